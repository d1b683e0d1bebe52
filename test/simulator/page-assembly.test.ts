// The page-assembly rules on their own: bucket and result budgets, split buckets,
// omitted buckets, and cursors that only fit their own query.

import { describe, expect, it } from 'vitest';
import { assemblePage, decodeCursor, encodeCursor, type PageRules } from '../../src/simulator/pagination.js';

/** Bucket i holds sizes[i] results named "i.j". */
function computeFrom(sizes: readonly number[]) {
  const asked: [number, number][] = [];
  const compute = (from: number, count: number) => {
    asked.push([from, count]);
    return Array.from({ length: count }, (_, k) => Array.from({ length: sizes[from + k] ?? 0 }, (_, j) => `${from + k}.${j}`));
  };
  return { compute, asked };
}

function rules(overrides: Partial<PageRules>): PageRules {
  return { limit: 7, maxResults: 100, bucketCount: 5, omit: () => false, ...overrides };
}

describe('assemblePage', () => {
  it('stops at the bucket limit and computes only the buckets it may need', () => {
    const { compute, asked } = computeFrom([1, 1, 1, 1, 1]);
    const page = assemblePage({ bucket: 0, offset: 0 }, rules({ limit: 2 }), compute);
    expect(page.buckets.map((bucket) => bucket.index)).toEqual([0, 1]);
    expect(page.next).toEqual({ bucket: 2, offset: 0 });
    expect(asked).toEqual([[0, 2]]);
  });

  it('splits a bucket that does not fit and continues it from the offset', () => {
    const { compute } = computeFrom([2, 5, 0, 1, 0]);
    const first = assemblePage({ bucket: 0, offset: 0 }, rules({ maxResults: 4 }), compute);
    expect(first.buckets).toEqual([
      { index: 0, results: ['0.0', '0.1'] },
      { index: 1, results: ['1.0', '1.1'] },
    ]);
    expect(first.next).toEqual({ bucket: 1, offset: 2 });
    const second = assemblePage(first.next!, rules({ maxResults: 4 }), compute);
    expect(second.buckets).toEqual([
      { index: 1, results: ['1.2', '1.3', '1.4'] },
      { index: 2, results: [] },
      { index: 3, results: ['3.0'] },
      { index: 4, results: [] },
    ]);
    expect(second.next).toBeNull();
  });

  it('starts the next page at a bucket that would not fit at all', () => {
    const { compute } = computeFrom([3, 2, 0, 0, 0]);
    const page = assemblePage({ bucket: 0, offset: 0 }, rules({ maxResults: 3 }), compute);
    expect(page.buckets).toEqual([{ index: 0, results: ['0.0', '0.1', '0.2'] }]);
    expect(page.next).toEqual({ bucket: 1, offset: 0 });
  });

  it('leaves omitted buckets out without counting them against the limit', () => {
    const { compute } = computeFrom([1, 1, 1, 1, 1]);
    const omit = (index: number) => index === 1 || index === 4;
    const page = assemblePage({ bucket: 0, offset: 0 }, rules({ limit: 2, omit }), compute);
    expect(page.buckets.map((bucket) => bucket.index)).toEqual([0, 2]);
    const last = assemblePage(page.next!, rules({ limit: 2, omit }), compute);
    expect(last.buckets.map((bucket) => bucket.index)).toEqual([3]);
    // Only an omitted bucket remains, so there is no further page to promise.
    expect(last.next).toBeNull();
  });

  it('ends a page after a bucket to repeat, and the next page starts with it whole and goes on', () => {
    const { compute } = computeFrom([1, 2, 1, 1, 1]);
    const repeatAfter = (index: number) => index === 1;
    const first = assemblePage({ bucket: 0, offset: 0 }, rules({ repeatAfter }), compute);
    expect(first.buckets).toEqual([
      { index: 0, results: ['0.0'] },
      { index: 1, results: ['1.0', '1.1'] },
    ]);
    expect(first.next).toEqual({ bucket: 1, offset: 0 });
    const second = assemblePage(first.next!, rules({ repeatAfter }), compute);
    expect(second.buckets.map((bucket) => bucket.index)).toEqual([1, 2, 3, 4]);
    expect(second.buckets[0]!.results).toEqual(['1.0', '1.1']);
    expect(second.next).toBeNull();
  });
});

describe('cursors', () => {
  it('round-trip for their own query and are refused for any other', () => {
    const cursor = encodeCursor({ bucket: 3, offset: 12 }, 'query-a');
    expect(cursor).toMatch(/^page_[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'query-a', 10)).toEqual({ bucket: 3, offset: 12 });
    expect(() => decodeCursor(cursor, 'query-b', 10)).toThrow(/page/);
    expect(() => decodeCursor(cursor, 'query-a', 3)).toThrow(/page/);
    expect(() => decodeCursor('page_!!!', 'query-a', 10)).toThrow(/page/);
  });
});
