// Joins the endpoints' outcomes into one result per day. A day is only `ok` when every
// endpoint answered completely for it; otherwise it is marked, never filled with zeros.

import { sortRecords, type CanonicalRecord } from '../../domain/records.js';
import type { DataOrigin, DayContent, DayFailed, DayParts, DayResult } from '../../domain/usage-source.js';
import type { OpenAiEndpoint } from './endpoints.js';
import type { EndpointOutcome } from './fetch-endpoint.js';
import { normalizeResult } from './normalize.js';
import { parseBucket } from './page-reader.js';

type Failure = Omit<DayFailed, 'date'> & { endpoint: string };

function failureFor(date: string, outcome: EndpointOutcome): Failure | undefined {
  if (!outcome.ok) {
    return { status: outcome.status, code: outcome.code, message: outcome.message, endpoint: outcome.endpoint };
  }
  const doubt = outcome.doubtful.get(date);
  if (doubt !== undefined) return { status: 'partial', code: 'SCHEMA_MISMATCH', message: doubt, endpoint: outcome.endpoint };
  if (outcome.days.has(date)) return undefined;
  return {
    status: 'missing',
    code: 'MISSING_WINDOW',
    message: `openai ${outcome.endpoint} returned no bucket for ${date}`,
    endpoint: outcome.endpoint,
  };
}

/** `missing` outweighs `partial`: a day with any endpoint absent has nothing usable for it. */
function combineFailures(date: string, failures: readonly Failure[]): DayFailed {
  const chosen = failures.find((failure) => failure.status === 'missing') ?? (failures[0] as Failure);
  const message = failures.map((failure) => failure.message).join('; ');
  return { date, status: chosen.status, code: chosen.code, message, endpoint: chosen.endpoint };
}

/**
 * The day's records from every endpoint's buckets. Each bucket's value is let go as soon
 * as its records are made, instead of living until the end of the day's build.
 */
export function readOpenAiDay(parts: DayParts): DayContent {
  const records: CanonicalRecord[] = [];
  for (const part of parts.endpoints) {
    const endpoint = part.endpoint as OpenAiEndpoint;
    for (const kept of part.buckets) {
      const bucket = parseBucket(kept);
      for (const result of bucket.results) records.push(normalizeResult(endpoint, bucket, result));
    }
  }
  // The raw files hold the buckets' own bytes, as they arrived.
  return { records: sortRecords(records), raw: parts.endpoints };
}

/** The day's buckets from every endpoint, as they arrived. */
function dayParts(date: string, outcomes: readonly EndpointOutcome[]): DayParts {
  const endpoints: DayParts['endpoints'] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const day = outcome.days.get(date);
    // assembleDay only calls a day good when every endpoint has it.
    if (day === undefined) throw new Error(`openai ${outcome.endpoint} ${date}: no buckets for a day called good`);
    endpoints.push({ endpoint: outcome.endpoint, request: outcome.request, pages: day.pages, buckets: day.buckets.map(({ bytes }) => ({ bytes })) });
  }
  return { provider: 'openai', date, endpoints };
}

export function assembleDay(date: string, outcomes: readonly EndpointOutcome[]): DayResult {
  const failures = outcomes.flatMap((outcome) => failureFor(date, outcome) ?? []);
  if (failures.length > 0) return combineFailures(date, failures);

  // Any simulated page makes the whole day simulated: the ledger must never take it for real data.
  const origin: DataOrigin = outcomes.some((outcome) => outcome.ok && outcome.origin === 'simulator') ? 'simulator' : 'provider';
  return { date, status: 'ok', origin, parts: dayParts(date, outcomes) };
}
