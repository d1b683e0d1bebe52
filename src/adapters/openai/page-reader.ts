// Reads one page of an OpenAI usage or costs endpoint as its body streams in. The page's
// `data` array is split into buckets (see JsonArraySplitter); each is parsed exactly and
// checked against its endpoint's schema on its own, then kept only as the bytes it
// arrived in and parsed again when its day is built: a 180-day costs page of a large
// organization is far larger as a parsed tree than as bytes. Those same bytes are what
// the day's raw file holds.
// A page is only usable once all of it has been validated: one failing at its 150th
// bucket gives no bucket at all, and the issue reported is the one validating the whole
// page at once would report.

import { JsonArraySplitter } from '../../lib/json/json-array-splitter.js';
import { parseJsonExact } from '../../lib/json/json.js';
import type { RawBucket } from '../../domain/usage-source.js';
import { decodeUtf8 } from '../../lib/json/utf8.js';
import type { BodyReader } from '../http/client.js';
import type { OpenAiEndpoint } from './endpoints.js';
import { bucketIssues, describeIssues, pageIssues, type OpenAiBucket, type ShapeIssue } from './schemas.js';

/** One validated bucket of a page, as its bytes. */
export interface PageBucket extends RawBucket {
  /** Unix seconds; say which day the bucket belongs to without parsing it again. */
  startTime: number;
  endTime: number;
}

export interface ReadPage {
  has_more: boolean;
  next_page: string | null;
  /** In the order the page lists them. */
  buckets: PageBucket[];
}

export type PageRead = { ok: true; page: ReadPage } | { ok: false; issue: string };

/** The value of a bucket validated when its page was read. */
export function parseBucket({ bytes }: RawBucket): OpenAiBucket {
  return parseJsonExact(decodeUtf8(bytes)) as unknown as OpenAiBucket;
}

/**
 * The page's issues in the order zod reports them for the whole page: its fields in the
 * schema's order (object, data, has_more, next_page), the buckets' in data order.
 */
function pageOrder(envelopeIssues: readonly ShapeIssue[], dataIssues: readonly ShapeIssue[]): ShapeIssue[] {
  const before = envelopeIssues.filter((issue) => issue.path[0] === 'object');
  const after = envelopeIssues.filter((issue) => issue.path[0] !== 'object');
  return [...before, ...dataIssues, ...after];
}

/** A page's data array as it is read. A later "data" entry starts a new one. */
interface DataArray {
  count: number;
  /** Emptied for good at the first issue: none of a failed page is used. */
  buckets: PageBucket[];
  issues: ShapeIssue[];
}

/** A reader for the HTTP client: a fresh one per attempt. SyntaxError when the body is not JSON. */
export function openPageReader(endpoint: OpenAiEndpoint): BodyReader<PageRead> {
  let data: DataArray = { count: 0, buckets: [], issues: [] };

  const splitter = new JsonArraySplitter('data', {
    onArrayStart() {
      // A later "data" entry replaces an earlier one, as it would in a parsed object.
      data = { count: 0, buckets: [], issues: [] };
    },
    onElement({ bytes }) {
      const index = data.count;
      data.count += 1;
      const bucket = parseJsonExact(decodeUtf8(bytes));
      const issues = bucketIssues(endpoint, bucket, index);
      if (issues.length > 0) {
        data.issues.push(...issues);
        data.buckets = [];
      } else if (data.issues.length === 0) {
        const { start_time: startTime, end_time: endTime } = bucket as unknown as OpenAiBucket;
        data.buckets.push({ bytes, startTime, endTime });
      }
    },
  });

  return {
    write: (chunk) => splitter.write(chunk),
    end() {
      const { envelope, split } = splitter.end();
      const body = parseJsonExact(envelope);
      // Not split: the body has no data array, so it is not a page; say why as a whole.
      if (!split) return { ok: false, issue: describeIssues(pageIssues(endpoint, body)) };
      const issues = pageOrder(pageIssues(endpoint, body), data.issues);
      if (issues.length > 0) return { ok: false, issue: describeIssues(issues) };
      const { has_more, next_page } = body as { has_more: boolean; next_page: string | null };
      return { ok: true, page: { has_more, next_page, buckets: data.buckets } };
    },
  };
}
