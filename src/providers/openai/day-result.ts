// Joins the endpoints' outcomes into one result per day. A day is only `ok` when every
// endpoint answered completely for it; otherwise it is marked, never filled with zeros.

import { sortRecords, type CanonicalRecord } from '../../core/records.js';
import type { DataOrigin, DayFailed, DayResult, RawEndpointDay } from '../../core/usage-source.js';
import type { EndpointOutcome } from './fetch-endpoint.js';
import { normalizeResult } from './normalize.js';

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

export function assembleDay(date: string, outcomes: readonly EndpointOutcome[]): DayResult {
  const failures = outcomes.flatMap((outcome) => failureFor(date, outcome) ?? []);
  if (failures.length > 0) return combineFailures(date, failures);

  const records: CanonicalRecord[] = [];
  const raw: RawEndpointDay[] = [];
  let origin: DataOrigin = 'provider';
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const buckets = outcome.days.get(date);
    if (buckets === undefined) continue;
    for (const bucket of buckets.parsed) {
      for (const result of bucket.results) records.push(normalizeResult(outcome.endpoint, bucket, result));
    }
    raw.push({ endpoint: outcome.endpoint, request: outcome.request, pages: buckets.pages, buckets: buckets.raw });
    // Any simulated page makes the whole day simulated: the ledger must never take it for real data.
    if (outcome.origin === 'simulator') origin = 'simulator';
  }
  return { date, status: 'ok', origin, records: sortRecords(records), raw };
}
