import { describe, expect, it } from 'vitest';
import { prepareRawFile, rawBucketCheck } from '../../src/ledger/store.js';
import { assertValid, SchemaViolationError } from '../../src/ledger/schema-validator.js';

const about = {
  schema_version: 1,
  provider: 'openai',
  date: '2026-11-01',
  endpoint: 'costs',
  origin: 'simulator',
  request: { path: '/organization/costs', query: { start_time: '1761955200', bucket_width: '1d' } },
  pages: 1,
};

const good = { object: 'bucket', start_time: 1761955200, end_time: 1762041600, results: [] };

/** Buckets that the raw schema's bucket definition accepts or refuses, for the cases below. */
const BUCKETS: unknown[] = [
  good,
  { ...good, results: [{ anything: 'goes', inside: [1, 2] }] },
  { ...good, start_time: 1.5 },
  { ...good, end_time: '1762041600' },
  { start_time: 1761955200, end_time: 1762041600 },
  { ...good, results: {} },
  [good],
  null,
  'bucket',
];

function wholeFileError(buckets: unknown[]): string | undefined {
  try {
    assertValid('raw', { ...about, buckets }, 'raw/openai/2026-11-01/costs.json');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function bucketByBucketError(buckets: unknown[]): string | undefined {
  const check = rawBucketCheck('openai', '2026-11-01');
  try {
    buckets.forEach((bucket, index) => check(bucket as never, { endpoint: 'costs', index }));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('raw files checked bucket by bucket', () => {
  it('names the raw file and the bucket that does not match, as checking the whole file would', () => {
    const check = rawBucketCheck('openai', '2026-11-01');
    expect(() => check(good, { endpoint: 'costs', index: 0 })).not.toThrow();
    let thrown: unknown;
    try {
      check({ ...good, start_time: 1.5 } as never, { endpoint: 'completions', index: 3 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SchemaViolationError);
    expect((thrown as Error).message).toBe('raw/openai/2026-11-01/completions.json does not match the raw schema: /buckets/3/start_time must be integer');
  });

  it('accepts exactly the buckets the whole raw file schema accepts, and reports the first failing one the same way', () => {
    // Every sequence of up to two of the buckets above, so a good bucket before a bad one counts too.
    const sequences: unknown[][] = [[]];
    for (const first of BUCKETS) {
      sequences.push([first]);
      for (const second of BUCKETS) sequences.push([first, second]);
    }
    for (const buckets of sequences) {
      const whole = wholeFileError(buckets);
      const byBucket = bucketByBucketError(buckets);
      expect(byBucket === undefined, JSON.stringify(buckets)).toBe(whole === undefined);
      // The whole file lists every failing bucket; bucket by bucket stops at the first one.
      if (byBucket !== undefined) {
        const detail = (byBucket as string).split(': ')[1] as string;
        expect(whole, JSON.stringify(buckets)).toContain(detail.split('; ')[0]);
      }
    }
  });

  it('still checks the frame around the buckets when the file is prepared', () => {
    const endpointDay = { endpoint: 'costs', request: about.request, pages: 0, buckets: [{ bytes: Buffer.from(JSON.stringify(good)) }] };
    expect(() => prepareRawFile('openai', '2026-11-01', 'simulator', endpointDay)).toThrow(
      'raw/openai/2026-11-01/costs.json does not match the raw schema: /pages must be >= 1',
    );
    const prepared = prepareRawFile('openai', '2026-11-01', 'simulator', { ...endpointDay, pages: 1 });
    expect(JSON.parse(Buffer.from(prepared.bytes).toString('utf8')).buckets).toEqual([good]);
  });
});
