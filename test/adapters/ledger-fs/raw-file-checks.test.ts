import { describe, expect, it } from 'vitest';
import { prepareRawFile } from '../../../src/adapters/ledger-fs/store.js';

const request = { path: '/organization/costs', query: { start_time: '1761955200', bucket_width: '1d' } };
const good = { object: 'bucket', start_time: 1761955200, end_time: 1762041600, results: [] };

describe('raw files', () => {
  it('checks the frame around the buckets when the file is prepared, and keeps the buckets as they came', () => {
    // The buckets themselves were held to the provider's schema as their page was read.
    const endpointDay = { endpoint: 'costs', request, pages: 0, buckets: [{ bytes: Buffer.from(JSON.stringify(good)) }] };
    expect(() => prepareRawFile('openai', '2026-11-01', 'simulator', endpointDay)).toThrow(
      'raw/openai/2026-11-01/costs.json does not match the raw schema: /pages must be >= 1',
    );
    const prepared = prepareRawFile('openai', '2026-11-01', 'simulator', { ...endpointDay, pages: 1 });
    expect(JSON.parse(Buffer.from(prepared.bytes).toString('utf8')).buckets).toEqual([good]);
  });
});
