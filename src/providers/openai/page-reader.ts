// Reads one page of an OpenAI usage or costs endpoint as its body streams in. The page's
// `data` array is split into buckets (see JsonArraySplitter); each is parsed and
// validated on its own and then kept only as the bytes it arrived in, parsed again when
// its day is built: a 180-day costs page is ~160 MB of JSON, and its tree several times
// that. Those same bytes are what the day's raw file holds.
// A page is only usable once all of it has been validated: one failing at its 150th
// bucket gives no bucket at all, and the issue reported is the one validating the whole
// page at once would report.

import { JsonArraySplitter } from '../../core/json-array-splitter.js';
import { parseJsonExact, type JsonValue } from '../../core/json.js';
import { keysHavePlainIntegers } from '../../core/json-number-literals.js';
import { decodeUtf8 } from '../../core/utf8.js';
import { packBytes, unpackBytes } from '../../core/packed-bytes.js';
import type { KeptBucket } from '../../core/usage-source.js';
import type { BodyReader } from '../http/client.js';
import type { OpenAiEndpoint } from './endpoints.js';
import { bucketIssues, describeIssues, pageIssues, type OpenAiBucket, type ShapeIssue } from './schemas.js';

/** One validated bucket of a page, as its bytes, or packed when it is to be kept long. */
export interface PageBucket extends KeptBucket {
  /** Unix seconds; says which day the bucket belongs to without parsing it again. */
  startTime: number;
}

/** A bucket as its day is built from it: the bytes for the raw file, and their value. */
export interface BucketRead {
  bytes: Uint8Array;
  bucket: OpenAiBucket;
}

export interface PageReaderOptions {
  /** Keep the buckets packed: for pages whose days wait long before they are written. */
  pack?: boolean;
}

export interface ReadPage {
  has_more: boolean;
  next_page: string | null;
  /** In the order the page lists them. */
  buckets: PageBucket[];
}

export type PageRead = { ok: true; page: ReadPage } | { ok: false; issue: string };

/** The bucket's bytes and its value, as validated when its page was read. */
export function readBucket({ bytes: kept, plainNumbers }: KeptBucket): BucketRead {
  const bytes = 'packed' in kept ? unpackBytes(kept) : kept;
  return { bytes, bucket: parseBucket(bytes, plainNumbers) as unknown as OpenAiBucket };
}

/**
 * A bucket's value. Usage buckets hold only integers and skip the search for inexact
 * number literals. Parsing a bucket result by result, to keep every string small, was
 * tried: no faster, since exact parsing of the cost amounts is most of the work.
 */
function parseBucket(bytes: Uint8Array, plainNumbers: boolean): JsonValue {
  const text = decodeUtf8(bytes);
  return plainNumbers ? (JSON.parse(text) as JsonValue) : parseJsonExact(text);
}

/**
 * Fields a costs bucket must give as integers: its own times (its results have none).
 * The page-reading tests change every number a costs bucket holds to such literals and
 * compare the verdict with validating the exactly parsed page, so a schema that comes to
 * want more integers fails them until it is listed here.
 */
const COSTS_INTEGER_FIELDS = ['start_time', 'end_time'] as const;

/**
 * A bucket's value, for its start time, and its issues, the same as checking the exactly
 * parsed bucket would give. Its value is not kept (its day is built from its bytes, parsed
 * exactly again then), so a costs bucket is checked as a plain JSON.parse reads it, which
 * took 4.2 s instead of 7.2 s for the year of costs pages in the 365-day bench. The two
 * verdicts differ only where the schema wants an integer written as 1.0 or 1e3 (checked
 * apart first), or a number JSON.parse makes infinite; a bucket the plain reading rejects
 * is checked again exactly, so its issues are the exact reading's.
 */
function checkBucket(endpoint: OpenAiEndpoint, bytes: Uint8Array, plainNumbers: boolean, index: number) {
  const text = decodeUtf8(bytes);
  if (plainNumbers || (endpoint === 'costs' && keysHavePlainIntegers(text, COSTS_INTEGER_FIELDS))) {
    const bucket = JSON.parse(text) as JsonValue;
    const issues = bucketIssues(endpoint, bucket, index);
    if (issues.length === 0 || plainNumbers) return { bucket, issues };
  }
  const bucket = parseJsonExact(text);
  return { bucket, issues: bucketIssues(endpoint, bucket, index) };
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

/** A reader for the HTTP client: a fresh one per attempt. SyntaxError when the body is not JSON. */
export function openPageReader(endpoint: OpenAiEndpoint, options: PageReaderOptions = {}): BodyReader<PageRead> {
  let buckets: PageBucket[] = [];
  let dataIssues: ShapeIssue[] = [];
  let index = 0;
  const splitter = new JsonArraySplitter('data', {
    onArrayStart() {
      // A later "data" entry replaces an earlier one, as it would in a parsed object.
      buckets = [];
      dataIssues = [];
      index = 0;
    },
    onElement({ bytes, plainNumbers }) {
      const { bucket, issues } = checkBucket(endpoint, bytes, plainNumbers, index);
      index += 1;
      if (issues.length > 0) dataIssues.push(...issues);
      // Once the page has failed none of it will be used; only its issues are still counted.
      if (dataIssues.length > 0) {
        buckets = [];
        return;
      }
      buckets.push({
        startTime: (bucket as unknown as OpenAiBucket).start_time,
        bytes: options.pack ? packBytes(bytes) : bytes,
        plainNumbers,
      });
    },
  });

  return {
    write: (chunk) => splitter.write(chunk),
    end() {
      const { envelope, split } = splitter.end();
      const body = parseJsonExact(envelope);
      // Not split: the body has no data array, so it is not a page; say why as a whole.
      if (!split) return { ok: false, issue: describeIssues(pageIssues(endpoint, body)) };
      const issues = pageOrder(pageIssues(endpoint, body), dataIssues);
      if (issues.length > 0) return { ok: false, issue: describeIssues(issues) };
      const { has_more, next_page } = body as { has_more: boolean; next_page: string | null };
      return { ok: true, page: { has_more, next_page, buckets } };
    },
  };
}
