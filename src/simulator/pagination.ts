// Pages of buckets. A page holds at most `limit` buckets and at most `maxResults` results;
// a bucket whose results do not fit is split, and the next page continues it with the
// same start_time and end_time. The cursor is opaque to clients but carries the position
// (bucket index and result offset) and a fingerprint of the query it belongs to, so a
// cursor replayed against a different query is refused. A page may also be made to end
// after a bucket that the next page then repeats whole (the overlapping-pages scenario).

import { createHash } from 'node:crypto';
import { QueryError } from './query.js';

export interface Position {
  bucket: number;
  offset: number;
}

export interface PagedBucket<T> {
  index: number;
  results: T[];
}

export interface Page<T> {
  buckets: PagedBucket<T>[];
  /** Where the next page starts; null when this page is the last. */
  next: Position | null;
}

export interface PageRules {
  limit: number;
  maxResults: number;
  bucketCount: number;
  /** Buckets the provider leaves out altogether (the missing-day scenario). */
  omit: (index: number) => boolean;
  /** Buckets after which the page ends and the next page starts with them again (overlapping-pages). */
  repeatAfter?: (index: number) => boolean;
}

const CURSOR_PREFIX = 'page_';

export function queryFingerprint(identity: string): string {
  return createHash('sha256').update(identity).digest('base64url').slice(0, 16);
}

export function encodeCursor(position: Position, fingerprint: string): string {
  const payload = JSON.stringify({ b: position.bucket, o: position.offset, f: fingerprint });
  return CURSOR_PREFIX + Buffer.from(payload).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string, bucketCount: number): Position {
  const invalid = new QueryError(`Invalid value for 'page': '${cursor}' is not a cursor for this query.`, 'page');
  if (!cursor.startsWith(CURSOR_PREFIX)) throw invalid;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const { b, o, f } = (payload ?? {}) as { b?: unknown; o?: unknown; f?: unknown };
  const valid =
    f === fingerprint && Number.isSafeInteger(b) && Number.isSafeInteger(o) && (b as number) >= 0 && (b as number) < bucketCount && (o as number) >= 0;
  if (!valid) throw invalid;
  return { bucket: b as number, offset: o as number };
}

/**
 * Assembles one page from `begin`. `compute(from, count)` returns the full results of
 * buckets [from, from + count); it is asked only for buckets the page may need.
 */
export function assemblePage<T>(begin: Position, rules: PageRules, compute: (from: number, count: number) => T[][]): Page<T> {
  const buckets: PagedBucket<T>[] = [];
  let index = begin.bucket;
  let offset = begin.offset;
  let budget = rules.maxResults;
  let computed: T[][] = [];
  let computedFrom = index;
  while (buckets.length < rules.limit && index < rules.bucketCount) {
    if (rules.omit(index)) {
      index += 1;
      offset = 0;
      continue;
    }
    if (index >= computedFrom + computed.length) {
      computedFrom = index;
      computed = compute(index, Math.min(rules.limit - buckets.length, rules.bucketCount - index));
    }
    const remaining = (computed[index - computedFrom] ?? []).slice(offset);
    if (remaining.length > budget) {
      // Split the bucket: what fits goes here, the rest opens the next page.
      if (budget > 0) {
        buckets.push({ index, results: remaining.slice(0, budget) });
        offset += budget;
      }
      return { buckets, next: { bucket: index, offset } };
    }
    buckets.push({ index, results: remaining });
    budget -= remaining.length;
    // The page that starts with the repeat goes on, or it would repeat it for ever.
    if (index !== begin.bucket && rules.repeatAfter?.(index)) return { buckets, next: { bucket: index, offset: 0 } };
    index += 1;
    offset = 0;
  }
  // Trailing omitted buckets must not promise a page with nothing on it.
  while (index < rules.bucketCount && rules.omit(index)) index += 1;
  return { buckets, next: index < rules.bucketCount ? { bucket: index, offset: 0 } : null };
}
