// Rows of the fault matrix for the provider's bodies: non-JSON, truncated and empty
// answers, unknown extra fields (kept, not fatal), missing and mistyped fields, repeated
// cursors, and buckets that arrive twice, overlap, fall outside the range or never arrive.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { type ProviderRow, RETRIES, type RowRun } from './provider-row.js';

/** A completions page with one change made to the first result it holds. */
const onFirstResult = (change: (result: Record<string, unknown>) => void) => (text: string) => {
  const page = JSON.parse(text);
  change(page.data.find((bucket: { results: unknown[] }) => bucket.results.length > 0).results[0]);
  return JSON.stringify(page);
};

/** Only these days failed; the fault touched nothing else. */
const onlyFailed = (...dates: string[]) => ({ outcome }: RowRun) =>
  expect(outcome.result!.run.windows.filter((window) => window.status === 'failed').map((window) => window.date)).toEqual(dates);

/** Fields a later API version might add, at every level of the page. */
function withExtraFields(text: string): string {
  const page = JSON.parse(text);
  page.page_hint = { added: 'later' };
  for (const bucket of page.data) bucket.region = 'eu';
  page.data[0].results[0].reasoning_effort = 'high';
  return JSON.stringify(page);
}

// A body that is not JSON at all is the provider failing (a gateway page, a cut response),
// not a changed schema; a page that is JSON but of the wrong shape is a schema mismatch.
// Doubt about a bucket, or pagination that did not finish, leaves a day partial.
export const BODY_ROWS: ProviderRow[] = [
  { name: 'a non-JSON body', fault: { kind: 'reply', status: 200, body: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }, flags: RETRIES, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
  { name: 'a truncated body', fault: { kind: 'rewrite', body: (text) => text.slice(0, Math.floor(text.length / 2)) }, flags: RETRIES, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
  { name: 'an empty body', fault: { kind: 'rewrite', body: () => '' }, flags: RETRIES, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
  {
    name: 'unknown extra fields on the page, the buckets and a result',
    fault: { kind: 'rewrite', body: withExtraFields },
    // One day more than the good ledger holds: a new day's raw page is written as received.
    flags: { ...RETRIES, days: '6' },
    expected: 'recovers',
    also: async ({ work }) => {
      // Raw pages keep the buckets exactly as received, new fields included.
      const raw = await readFile(path.join(work, 'audit/raw/openai/2026-11-17/completions.json'), 'utf8');
      expect(raw).toContain('"region"');
      expect(raw).toContain('"reasoning_effort"');
    },
  },
  { name: 'a missing required field', fault: { kind: 'rewrite', body: onFirstResult((result) => delete result.output_tokens) }, flags: RETRIES, expected: { state: 'missing', code: 'SCHEMA_MISMATCH' } },
  { name: 'a mistyped field', scenarios: ['malformed-page'], flags: RETRIES, expected: { state: 'missing', code: 'SCHEMA_MISMATCH' } },
  { name: 'a repeated cursor', scenarios: ['repeated-cursor'], flags: RETRIES, expected: { state: 'partial', code: 'PROVIDER_ERROR' } },
  { name: 'a duplicate bucket', scenarios: ['duplicate-bucket'], flags: RETRIES, expected: { state: 'partial', code: 'SCHEMA_MISMATCH' }, also: onlyFailed('2026-11-19') },
  { name: 'overlapping pages', scenarios: ['overlapping-pages'], flags: RETRIES, expected: { state: 'partial', code: 'SCHEMA_MISMATCH' }, also: onlyFailed('2026-11-19') },
  { name: 'a bucket outside the range asked for', scenarios: ['out-of-range-bucket'], flags: RETRIES, expected: { state: 'partial', code: 'SCHEMA_MISMATCH' } },
  { name: 'a day absent from the answer', scenarios: ['missing-day'], flags: RETRIES, expected: { state: 'missing', code: 'MISSING_WINDOW' }, also: onlyFailed('2026-11-20') },
];
