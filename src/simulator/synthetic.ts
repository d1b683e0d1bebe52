// Synthetic traffic for one UTC day. Each workload is active on a day with a fixed
// probability (lower at weekends) and, when active, contributes a few events at random
// minutes: sparse enough that one-minute buckets stay cheap, and drawn from a stream
// seeded by (seed, day, endpoint) so any day can be regenerated identically at any time.

import type { Catalog, Workload } from './catalog.js';
import type { Counter } from './endpoints.js';
import { hashInts, Random } from './random.js';
import { DAY_SECONDS } from './time.js';
import { USAGE_ENDPOINTS, type SimEvent, type UsageEndpoint } from './types.js';

const WEEKDAY_ACTIVITY = 0.8;
const WEEKEND_ACTIVITY = 0.6;

function requestsFor(random: Random, workload: Workload, max: number): number {
  return Math.max(1, Math.round(workload.intensity * random.int(1, max)));
}

function completionsEvent(random: Random, workload: Workload, timestamp: number): SimEvent {
  const requests = requestsFor(random, workload, 40);
  const input = requests * random.int(150, 2500);
  const cached = Math.floor(input * random.next() * 0.6);
  const output = requests * random.int(20, 600);
  const audio = workload.profile.audio;
  return {
    timestamp,
    endpoint: 'completions',
    project_id: workload.project_id,
    api_key_id: workload.api_key_id,
    user_id: workload.user_id,
    model: workload.profile.model ?? undefined,
    batch: workload.batch,
    service_tier: workload.service_tier,
    input_tokens: input,
    output_tokens: output,
    input_cached_tokens: cached,
    // Audio tokens are part of input_tokens / output_tokens, as in the real reports.
    input_audio_tokens: audio ? Math.floor((input - cached) * (0.3 + 0.6 * random.next())) : 0,
    output_audio_tokens: audio ? Math.floor(output * (0.4 + 0.5 * random.next())) : 0,
    num_model_requests: requests,
  };
}

/** Up to `maxRequests` requests (scaled by intensity) of `min`..`max` units each of `counter`. */
function volume(random: Random, workload: Workload, maxRequests: number, counter: Counter, min: number, max: number): Partial<SimEvent> {
  const requests = requestsFor(random, workload, maxRequests);
  return { [counter]: requests * random.int(min, max), num_model_requests: requests };
}

/** Built-in tool usage: stored bytes, sessions and search calls, none of it billed as tokens. */
function toolEvent(random: Random, workload: Workload, timestamp: number): SimEvent {
  const who = { timestamp, endpoint: workload.profile.endpoint, project_id: workload.project_id };
  const caller = { ...who, api_key_id: workload.api_key_id, user_id: workload.user_id };
  const store = workload.vectorStore;
  switch (workload.profile.endpoint) {
    case 'vector_stores':
      // Stores drift by a few percent a day as files come and go.
      return { ...who, vector_store_id: store?.id, usage_bytes: Math.round((store?.bytes ?? 0) * (0.95 + 0.1 * random.next())) };
    case 'code_interpreter_sessions':
      // Sessions stay open and are reused across calls, so even busy workloads open only a few.
      return { ...caller, num_sessions: random.int(1, 2) };
    case 'web_search_calls': {
      // A model request may search more than once.
      const requests = requestsFor(random, workload, 10);
      const model = workload.profile.model ?? undefined;
      const context_level = workload.context_level ?? 'medium';
      return { ...caller, model, context_level, num_model_requests: requests, num_requests: requests + random.int(0, requests) };
    }
    default:
      return { ...caller, vector_store_id: store?.id, num_requests: requestsFor(random, workload, 20) };
  }
}

function eventFor(random: Random, workload: Workload, timestamp: number): SimEvent {
  const base = {
    timestamp,
    endpoint: workload.profile.endpoint,
    project_id: workload.project_id,
    api_key_id: workload.api_key_id,
    user_id: workload.user_id,
    model: workload.profile.model ?? undefined,
  };
  switch (workload.profile.endpoint) {
    case 'completions':
      return completionsEvent(random, workload, timestamp);
    case 'embeddings':
      return { ...base, ...volume(random, workload, 60, 'input_tokens', 20, 800) };
    case 'moderations':
      return { ...base, ...volume(random, workload, 60, 'input_tokens', 10, 300) };
    case 'images': {
      const requests = requestsFor(random, workload, 8);
      const perRequest = workload.profile.model === 'dall-e-3' ? 1 : random.int(1, 4);
      return {
        ...base,
        images: requests * perRequest,
        num_model_requests: requests,
        source: workload.source ?? 'image.generation',
        size: workload.size ?? '1024x1024',
      };
    }
    case 'audio_speeches':
      return { ...base, ...volume(random, workload, 20, 'characters', 50, 1500) };
    case 'audio_transcriptions':
      return { ...base, ...volume(random, workload, 20, 'seconds', 5, 600) };
    default:
      return toolEvent(random, workload, timestamp);
  }
}

/**
 * The synthetic events of one endpoint on the UTC day starting at `dayStart` (unix
 * seconds, midnight). Each (day, endpoint) has its own random stream, so endpoints can be
 * generated and cached independently of each other.
 */
export function generateDay(catalog: Catalog, seed: number, dayStart: number, endpoint: UsageEndpoint): SimEvent[] {
  const events: SimEvent[] = [];
  const dayNumber = Math.floor(dayStart / DAY_SECONDS);
  const random = new Random(hashInts(seed, dayNumber, USAGE_ENDPOINTS.indexOf(endpoint)));
  const weekday = new Date(dayStart * 1000).getUTCDay();
  const activity = weekday === 0 || weekday === 6 ? WEEKEND_ACTIVITY : WEEKDAY_ACTIVITY;
  const { min, max } = catalog.eventsPerDay;
  for (const workload of catalog.workloads[endpoint]) {
    if (endpoint === 'vector_stores') {
      // Storage is held every day, weekends too, and reported as one snapshot at midnight.
      events.push(eventFor(random, workload, dayStart));
      continue;
    }
    if (!random.chance(activity)) continue;
    const count = random.int(min, max);
    for (let index = 0; index < count; index += 1) {
      const timestamp = dayStart + random.int(0, 1439) * 60;
      events.push(eventFor(random, workload, timestamp));
    }
  }
  return events;
}
