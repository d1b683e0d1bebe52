// Joins the endpoints' outcomes into one result per day. A day is only `ok` when every
// endpoint answered completely for it; otherwise it is marked, never filled with zeros.

import { sortRecords, type CanonicalRecord } from '../../core/records.js';
import type { JsonValue } from '../../core/json.js';
import type { DataOrigin, DayContent, DayFailed, DayResult, RawBucket, RawEndpointDay } from '../../core/usage-source.js';
import type { EndpointOutcome } from './fetch-endpoint.js';
import { normalizeResult } from './normalize.js';
import { readBucket } from './page-reader.js';

type Failure = Omit<DayFailed, 'date'> & { endpoint: string };

function failureFor(date: string, outcome: EndpointOutcome): Failure | undefined {
  if (!outcome.ok) {
    return { status: outcome.status, code: outcome.code, message: outcome.message, endpoint: outcome.endpoint };
  }
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

/** Every endpoint's buckets for the day, parsed once: the raw file and the records read the same values. */
function readDay(date: string, outcomes: readonly EndpointOutcome[]): DayContent {
  const records: CanonicalRecord[] = [];
  const raw: RawEndpointDay[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const day = outcome.days.get(date);
    // assembleDay only calls a day good when every endpoint has it; gone means read too late.
    if (day === undefined) throw new Error(`openai ${outcome.endpoint} ${date}: the day was read after its batch was let go`);
    const buckets: RawBucket[] = [];
    for (const { bytes, bucket } of day.buckets.map(readBucket)) {
      for (const result of bucket.results) records.push(normalizeResult(outcome.endpoint, bucket, result));
      buckets.push({ bytes, value: bucket as unknown as JsonValue });
    }
    raw.push({ endpoint: outcome.endpoint, request: outcome.request, pages: day.pages, buckets });
  }
  return { records: sortRecords(records), raw };
}

export function assembleDay(date: string, outcomes: readonly EndpointOutcome[]): DayResult {
  const failures = outcomes.flatMap((outcome) => failureFor(date, outcome) ?? []);
  if (failures.length > 0) return combineFailures(date, failures);

  // Any simulated page makes the whole day simulated: the ledger must never take it for real data.
  const origin: DataOrigin = outcomes.some((outcome) => outcome.ok && outcome.origin === 'simulator') ? 'simulator' : 'provider';
  return { date, status: 'ok', origin, read: () => readDay(date, outcomes) };
}
