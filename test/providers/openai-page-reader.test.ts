import { describe, expect, it } from 'vitest';
import { canonicalJson, parseJsonExact } from '../../src/core/json.js';
import type { OpenAiEndpoint } from '../../src/providers/openai/endpoints.js';
import { type BucketChecker, type BucketCheckRequest, type BucketVerdict, checkPageBucket } from '../../src/providers/openai/bucket-check.js';
import { openPageReader, readBucket, type PageRead, type PageReaderOptions } from '../../src/providers/openai/page-reader.js';
import { parseOpenAiPage } from '../../src/providers/openai/schemas.js';

function feed(endpoint: OpenAiEndpoint, text: string, chunkSize: number, options: PageReaderOptions) {
  const bytes = Buffer.from(text);
  const reader = openPageReader(endpoint, options);
  for (let from = 0; from < bytes.length; from += chunkSize) reader.write(bytes.subarray(from, from + chunkSize));
  return reader.end();
}

function readInChunks(endpoint: OpenAiEndpoint, text: string, chunkSize: number, options: PageReaderOptions = {}): PageRead {
  const read = feed(endpoint, text, chunkSize, options);
  if (read instanceof Promise) throw new Error('a reader without a checker answers at once');
  return read;
}

/**
 * A checker standing in for builder threads: it takes the buckets `takes` says yes to and
 * answers later, from a copy of the request, as a thread would.
 */
function laterChecker(takes: (index: number) => boolean, answer: (request: BucketCheckRequest) => Promise<BucketVerdict> = async (request) => checkPageBucket(structuredClone(request))): BucketChecker {
  return (request) => (takes(request.index) ? new Promise((resolve) => setTimeout(resolve, (request.index * 7) % 5)).then(() => answer(request)) : undefined);
}

/** What reading the page whole gives: the reference the streamed reading must match. */
function readWhole(endpoint: OpenAiEndpoint, text: string) {
  const parsed = parseOpenAiPage(endpoint, parseJsonExact(text));
  if (!parsed.ok) return parsed;
  return { ok: true, has_more: parsed.page.has_more, next_page: parsed.page.next_page, buckets: canonicalJson(parsed.page.data) };
}

function comparable(read: PageRead) {
  if (!read.ok) return read;
  return { ok: true, has_more: read.page.has_more, next_page: read.page.next_page, buckets: canonicalJson(read.page.buckets.map((stored) => readBucket(stored).bucket)) };
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
  // A plain JSON.parse reads these as valid integers, or as an infinite amount; the exact
  // reading, whose verdict counts, does not.
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

  it('gives the exact reading\'s verdict whatever literal stands in any of a costs bucket\'s numbers', () => {
    // Every number a full costs result and its bucket hold, one at a time, written in each
    // form a plain JSON.parse and the exact reading may disagree about.
    const template = (literals: string[]) =>
      `{"object":"bucket","start_time":${literals[0]},"end_time":${literals[1]},"results":[` +
      `{"object":"organization.costs.result","amount":{"value":${literals[2]},"currency":"usd"},"line_item":"x","project_id":"p",` +
      `"api_key_id":"k","quantity":${literals[3]},"quantity_unit":"tokens","extra":${literals[4]}}]}`;
    const plain = ['0', '86400', '0.5', '12', '3'];
    const forms = ['1', '1.0', '1e3', '8.64E4', '1e400', '-1e400', '-0', '0.1', '12345678901234567890', '9007199254740993', '"1"', 'null'];
    let cases = 0;
    for (let position = 0; position < plain.length; position += 1) {
      for (const form of forms) {
        const literals = [...plain];
        literals[position] = form;
        const text = page([template(literals)]);
        expect(comparable(readInChunks('costs', text, 64)), `${position}: ${form}`).toEqual(readWhole('costs', text));
        cases += 1;
      }
    }
    expect(cases).toBe(plain.length * forms.length);
  });

  it('keeps cost amounts exactly, and integers as numbers', () => {
    const read = readInChunks('costs', PAGES.valid as string, 5);
    expect(read.ok).toBe(true);
    const [first] = (read as Extract<PageRead, { ok: true }>).page.buckets;
    expect(first!.startTime).toBe(0);
    expect(canonicalJson(readBucket(first!).bucket)).toContain('"value": 0.30000000000000004\n');
    expect(canonicalJson(readBucket(first!).bucket)).toContain('"quantity": 1.5e2\n');
    expect(readBucket(first!).bucket.end_time).toBe(86400);
  });

  it('keeps each bucket as exactly the bytes the page held, packed or not', () => {
    // Spacing, key order, a literal JSON.stringify would write differently, and non-ASCII
    // text split across chunks: none of it may change.
    const buckets = [
      `{ "start_time" : 0,\n  "object":"bucket", "end_time":86400, "results":[${cost('1.50', ',"line_item":"caf\\u00e9 éè"')}]}`,
      bucket(86400, []),
      bucket(172800, [cost('1E-7'), cost('0.30000000000000004')]),
    ];
    const text = page(buckets);
    for (const pack of [false, true]) {
      const read = readInChunks('costs', text, 3, { pack });
      expect(read.ok).toBe(true);
      const stored = (read as Extract<PageRead, { ok: true }>).page.buckets;
      expect(stored.map((entry) => Buffer.from(readBucket(entry).bytes).toString('utf8'))).toEqual(buckets);
      expect(stored.map((entry) => readBucket(entry).bucket.start_time)).toEqual([0, 86400, 172800]);
    }
  });

  it('gives no bucket at all when one far into the page fails', () => {
    const buckets = Array.from({ length: 180 }, (_, index) => bucket(index * 86400, [cost('0.5')]));
    buckets[150] = bucket(150 * 86400, [cost('0.5', ',"quantity_unit":7')]);
    const read = readInChunks('costs', page(buckets), 4096);
    expect(read).toEqual({ ok: false, issue: 'data.150.results.0.quantity_unit: Invalid input: expected string, received number' });
  });

  it('reads every page the same when buckets are checked elsewhere, all of them or some, answering out of order', async () => {
    const checkers = { all: laterChecker(() => true), odd: laterChecker((index) => index % 2 === 1), none: laterChecker(() => false) };
    for (const [name, text] of Object.entries(PAGES)) {
      for (const [which, checker] of Object.entries(checkers)) {
        for (const pack of [false, true]) {
          const read = await feed('costs', text, 64, { checker, pack });
          expect(comparable(read), `${name}, ${which}, pack ${pack}`).toEqual(readWhole('costs', text));
        }
      }
    }
  });

  it('fails the read with the helper\'s error, and with a SyntaxError when a bucket checked elsewhere is not JSON', async () => {
    const text = PAGES.valid as string;
    const broken = laterChecker((index) => index === 2, async () => {
      throw new Error('a day builder thread failed');
    });
    await expect(feed('costs', text, 64, { checker: broken, pack: true })).rejects.toThrow('a day builder thread failed');

    const notJson = laterChecker((index) => index === 1, async () => {
      throw new SyntaxError('Unexpected token');
    });
    await expect(feed('costs', text, 64, { checker: notJson })).rejects.toThrow(SyntaxError);
    // A bucket that is not JSON, checked elsewhere.
    const badBucket = text.replace('0.30000000000000004', '0.3.1');
    await expect(feed('costs', badBucket, 64, { checker: laterChecker(() => true) })).rejects.toThrow(SyntaxError);
  });

  it('throws a SyntaxError when the body is not JSON, wherever the fault is', () => {
    const valid = PAGES.valid as string;
    for (const text of [valid.slice(0, -1), valid.replace('"results":[', '"results":[,'), `${valid}x`, valid.replace('0.30000000000000004', '0.3.1'), 'not json', '']) {
      expect(() => readInChunks('costs', text, 16), text.slice(0, 40)).toThrow(SyntaxError);
    }
  });
});
