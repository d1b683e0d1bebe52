// The port every provider implements: given UTC days, yield each day's canonical records
// and the raw buckets they came from, or say precisely why a day could not be had.

import type { CanonicalRecord, ProviderName } from './records.js';

/** Where data came from; the ledger refuses to mix the two. */
export type DataOrigin = 'provider' | 'simulator';

/** The fetch failures a window can end in; they are also finding codes. */
export type FetchFailureCode =
  | 'SCOPE_MISSING'
  | 'PROVIDER_ERROR'
  | 'RATE_LIMITED'
  | 'SCHEMA_MISMATCH'
  | 'MISSING_WINDOW';

/**
 * One bucket as the provider sent it: its very bytes. Its parsed value was held to the
 * provider's schema when its page was read, and is not kept.
 */
export interface RawBucket {
  bytes: Uint8Array;
}

/** One endpoint's buckets for one day, exactly as the provider sent them. */
export interface RawEndpointDay {
  endpoint: string;
  /** The request that produced the buckets, without the credential and without `page`. */
  request: { path: string; query: Record<string, string | string[]> };
  /** Number of pages the day's buckets arrived in. */
  pages: number;
  /** In the order the pages listed them. */
  buckets: RawBucket[];
}

/** A good day as it arrived, before anything is built from it. */
export interface DayParts {
  provider: ProviderName;
  date: string;
  endpoints: RawEndpointDay[];
}

/** What a good day holds: its canonical records and the raw buckets they came from. */
export interface DayContent {
  records: CanonicalRecord[];
  raw: RawEndpointDay[];
}

export interface DayOk {
  date: string;
  status: 'ok';
  origin: DataOrigin;
  /** What the day's content is built from, when it is written (see adapters/openai/day-content.ts). */
  parts: DayParts;
}

export interface DayFailed {
  date: string;
  /** `partial`: pagination did not complete; `missing`: nothing usable arrived. */
  status: 'missing' | 'partial';
  code: FetchFailureCode;
  /** Human-readable, already free of secrets. */
  message: string;
  endpoint?: string;
}

export type DayResult = DayOk | DayFailed;

export interface UsageSource {
  readonly provider: ProviderName;
  /**
   * Fetches the given UTC days (YYYY-MM-DD, ascending, unique). Yields results in
   * batches as they complete so callers can write day by day; every requested day
   * appears exactly once across the batches.
   */
  fetchDays(dates: readonly string[]): AsyncIterable<DayResult[]>;
}
