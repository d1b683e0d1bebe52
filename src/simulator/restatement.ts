// A restatement: the provider revises a past day upwards. The revision is one extra
// completions event carrying round(percent% of the day's visible input+output tokens),
// with the dimensions and minute of the day's first event so that it raises an existing
// record rather than inventing a new one. Deterministic, so tests can expect exact drift.

import type { EventStore } from './event-store.js';
import { DAY_SECONDS, midnightOf } from './time.js';
import type { SimEvent } from './types.js';

export function restateDay(store: EventStore, date: string, percent: number): void {
  const start = midnightOf(date);
  if (start === undefined) throw new Error(`restateDay needs a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
  // Restatements here only ever add usage: counters stay counts, and every minute stays non-negative.
  if (!Number.isFinite(percent) || percent < 0) throw new Error(`restateDay needs a non-negative percent, got ${percent}`);
  let input = 0;
  let output = 0;
  let anchor: SimEvent | undefined;
  store.forEachVisible('completions', start, start + DAY_SECONDS, (event) => {
    input += event.input_tokens ?? 0;
    output += event.output_tokens ?? 0;
    if (!anchor || event.timestamp < anchor.timestamp) anchor = event;
  });
  const extra = Math.round(((input + output) * percent) / 100);
  if (!anchor || extra === 0) return;
  // Split the extra tokens in the day's own input/output proportion.
  const extraInput = Math.round((extra * input) / (input + output));
  const revision: SimEvent = {
    timestamp: anchor.timestamp,
    endpoint: 'completions',
    project_id: anchor.project_id,
    api_key_id: anchor.api_key_id,
    user_id: anchor.user_id,
    model: anchor.model,
    batch: anchor.batch ?? false,
    service_tier: anchor.service_tier ?? 'default',
    input_tokens: extraInput,
    output_tokens: extra - extraInput,
    input_cached_tokens: 0,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    // A revision of tokens already served, not new requests.
    num_model_requests: 0,
  };
  store.addEvents([revision]);
}
