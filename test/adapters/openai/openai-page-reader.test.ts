import { describe, expect, it } from 'vitest';
import { canonicalJson, parseJsonExact } from '../../../src/lib/json/json.js';
import type { OpenAiEndpoint } from '../../../src/adapters/openai/endpoints.js';
import { openPageReader, parseBucket, type PageRead } from '../../../src/adapters/openai/page-reader.js';
import { parseOpenAiPage } from '../../../src/adapters/openai/schemas.js';

function readInChunks(endpoint: OpenAiEndpoint, text: string, chunkSize: number): PageRead {
  const bytes = Buffer.from(text);
  const reader = openPageReader(endpoint);
  for (let from = 0; from < bytes.length; from += chunkSize) reader.write(bytes.subarray(from, from + chunkSize));
  return reader.end();
}

/** What reading the page whole gives: the reference the streamed reading must match. */
function readWhole(endpoint: OpenAiEndpoint, text: string) {
  const parsed = parseOpenAiPage(endpoint, parseJsonExact(text));
  if (!parsed.ok) return parsed;
  return { ok: true, has_more: parsed.page.has_more, next_page: parsed.page.next_page, buckets: canonicalJson(parsed.page.data) };
}

function comparable(read: PageRead) {
  if (!read.ok) return read;
  return { ok: true, has_more: read.page.has_more, next_page: read.page.next_page, buckets: canonicalJson(read.page.buckets.map((stored) => parseBucket(stored))) };
}

const cost = (value: string, extra = '') =>
  `{"object":"organization.costs.result","amount":{"value":${value},"currency":"usd"},"line_item":"x","project_id":"p","quantity":1.5e2${extra}}`;
const bucket = (start: number, results: string[]) => `{"object":"bucket","start_time":${start},"end_time":${start + 86400},"results":[${results.join(',')}]}`;
const page = (buckets: string[], tail = '"has_more":false,"next_page":null', head = '"object":"page"') => `{${head},"data":[${buckets.join(',')}],${tail}}`;

const PAGES: Record<string, string> = {
  valid: page([bucket(0, [cost('0.30000000000000004'), cost('12')]), bucket(86400, []), bucket(172800, [cost('1e-7')])]),
  'valid with more pages': page([bucket(0, [cost('1')])], '"has_more":true,"next_page":"abc"'),
  'a bad result deep in the page': page([bucket(0, [cost('1')]), bucket(86400, [cost('1'), '{"object":"organization.costs.result"}'])]),
  'several bad buckets': page([bucket(0, ['{"object":"organization.costs.result","amount":{"value":"1","currency":"usd"}}']), '{"object":"bucket"}', bucket(1, [])]),
  'a bad page field before and after data': page([bucket(0, ['{}'])], '"has_more":"no","next_page":null', '"object":"pages"'),
  'data is not an array': '{"object":"page","data":{"x":1},"has_more":false,"next_page":null}',
  'data is missing': '{"object":"page","has_more":false,"next_page":null}',
  'not an object': '[1,2]',
  'data given twice': `{"object":"page","data":[1],"has_more":false,"data":[${bucket(0, [])}],"next_page":null}`,
  'data given as an array, then as an object': `{"object":"page","data":[${bucket(0, [])}],"has_more":false,"data":{"x":1},"next_page":null}`,
  // A plain JSON.parse would read these as valid integers, or as an infinite amount.
  'a start time written with a fraction': page([bucket(0, []), '{"object":"bucket","start_time":86400.0,"end_time":172800,"results":[]}']),
  'an end time written with an exponent': page(['{"object":"bucket","start_time":0,"end_time":8.64e4,"results":[]}']),
  'a start time spelt with an escape': page(['{"object":"bucket","start\\u005ftime":0.0,"end_time":86400,"results":[]}']),
  'an amount too large for a double': page([bucket(0, [cost('1e400'), cost('-1e400')])]),
  'a start time with a fraction in a field nobody reads': page([bucket(0, [cost('1', ',"start_time":1.5')])]),
};

describe('openPageReader', () => {
  for (const [name, text] of Object.entries(PAGES)) {
    it(`reads "${name}" as validating the whole page does, however the body is cut`, () => {
      const expected = readWhole('costs', text);
      for (const size of [1, 7, 64, text.length]) expect(comparable(readInChunks('costs', text, size))).toEqual(expected);
    });
  }

  it('keeps cost amounts exactly, and integers as numbers', () => {
    const read = readInChunks('costs', PAGES.valid as string, 5);
    expect(read.ok).toBe(true);
    const [first] = (read as Extract<PageRead, { ok: true }>).page.buckets;
    expect(first!.startTime).toBe(0);
    expect(canonicalJson(parseBucket(first!))).toContain('"value": 0.30000000000000004\n');
    expect(canonicalJson(parseBucket(first!))).toContain('"quantity": 1.5e2\n');
    expect(parseBucket(first!).end_time).toBe(86400);
  });

  it('keeps each bucket as exactly the bytes the page held', () => {
    // Spacing, key order, a literal JSON.stringify would write differently, and non-ASCII
    // text split across chunks: none of it may change.
    const buckets = [
      `{ "start_time" : 0,\n  "object":"bucket", "end_time":86400, "results":[${cost('1.50', ',"line_item":"caf\\u00e9 éè"')}]}`,
      bucket(86400, []),
      bucket(172800, [cost('1E-7'), cost('0.30000000000000004')]),
    ];
    const text = page(buckets);
    const read = readInChunks('costs', text, 3);
    expect(read.ok).toBe(true);
    const stored = (read as Extract<PageRead, { ok: true }>).page.buckets;
    expect(stored.map((entry) => Buffer.from(entry.bytes).toString('utf8'))).toEqual(buckets);
    expect(stored.map((entry) => parseBucket(entry).start_time)).toEqual([0, 86400, 172800]);
    expect(stored.map((entry) => entry.startTime)).toEqual([0, 86400, 172800]);
  });

  it('gives no bucket at all when one far into the page fails', () => {
    const buckets = Array.from({ length: 180 }, (_, index) => bucket(index * 86400, [cost('0.5')]));
    buckets[150] = bucket(150 * 86400, [cost('0.5', ',"quantity_unit":7')]);
    const read = readInChunks('costs', page(buckets), 4096);
    expect(read).toEqual({ ok: false, issue: 'data.150.results.0.quantity_unit: Invalid input: expected string, received number' });
  });

  it('throws a SyntaxError when the body is not JSON, wherever the fault is', () => {
    const valid = PAGES.valid as string;
    for (const text of [valid.slice(0, -1), valid.replace('"results":[', '"results":[,'), `${valid}x`, valid.replace('0.30000000000000004', '0.3.1'), 'not json', '']) {
      expect(() => readInChunks('costs', text, 16), text.slice(0, 40)).toThrow(SyntaxError);
    }
  });
});
