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
import { decodeUtf8 } from '../../core/utf8.js';
import { unpackBytes } from '../../core/packed-bytes.js';
import type { KeptBucket } from '../../core/usage-source.js';
import type { BodyReader } from '../http/client.js';
import { type BucketChecker, type BucketCheckRequest, type BucketVerdict, checkPageBucket } from './bucket-check.js';
import type { OpenAiEndpoint } from './endpoints.js';
import { describeIssues, pageIssues, type OpenAiBucket, type ShapeIssue } from './schemas.js';

/** One validated bucket of a page, as its bytes, or packed when it is to be kept long. */
export interface PageBucket extends KeptBucket {
  /** Unix seconds; say which day the bucket belongs to without parsing it again. */
  startTime: number;
  endTime: number;
}

/** A bucket as its day is built from it: the bytes for the raw file, and their value. */
export interface BucketRead {
  bytes: Uint8Array;
  bucket: OpenAiBucket;
}

export interface PageReaderOptions {
  /** Keep the buckets packed: for pages whose days wait long before they are written. */
  pack?: boolean;
  /** Where buckets may be checked while the page is read; here when absent or busy. */
  checker?: BucketChecker;
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
 * The page's issues in the order zod reports them for the whole page: its fields in the
 * schema's order (object, data, has_more, next_page), the buckets' in data order.
 */
function pageOrder(envelopeIssues: readonly ShapeIssue[], dataIssues: readonly ShapeIssue[]): ShapeIssue[] {
  const before = envelopeIssues.filter((issue) => issue.path[0] === 'object');
  const after = envelopeIssues.filter((issue) => issue.path[0] !== 'object');
  return [...before, ...dataIssues, ...after];
}

/** One bucket of the data array being read: its verdict, once its check is done. */
interface Slot {
  /** Until its check is done, or for good when it is kept unpacked. */
  bytes: Uint8Array | undefined;
  plainNumbers: boolean;
  verdict?: BucketVerdict;
}

/** A page's data array as it is read. A later "data" entry starts a new one. */
interface DataArray {
  slots: Slot[];
  failed: boolean;
}

/**
 * A reader for the HTTP client: a fresh one per attempt. SyntaxError when the body is not
 * JSON. With a checker, buckets may be checked on other threads as the body arrives; the
 * page's verdict then waits for them and is the same as checking each here.
 */
export function openPageReader(endpoint: OpenAiEndpoint, options: PageReaderOptions = {}): BodyReader<PageRead> {
  const pack = options.pack === true;
  let data: DataArray = { slots: [], failed: false };
  // Every check handed out, in data order, whichever data array it belongs to: each is
  // awaited in turn before the verdict, so a bucket that is not JSON fails the page.
  const handedOut: Array<Promise<void>> = [];

  const settle = (array: DataArray, slot: Slot, verdict: BucketVerdict): void => {
    if (!verdict.ok) array.failed = true;
    // Once the page has failed none of it will be used; only its issues are still counted.
    slot.verdict = array.failed && verdict.ok ? { ok: true, startTime: verdict.startTime, endTime: verdict.endTime } : verdict;
    if (pack || array.failed) slot.bytes = undefined;
  };

  const splitter = new JsonArraySplitter('data', {
    onArrayStart() {
      // A later "data" entry replaces an earlier one, as it would in a parsed object.
      data = { slots: [], failed: false };
    },
    onElement({ bytes, plainNumbers }) {
      const array = data;
      const request: BucketCheckRequest = { endpoint, bytes, plainNumbers, index: array.slots.length, pack };
      const slot: Slot = { bytes, plainNumbers };
      array.slots.push(slot);
      const elsewhere = options.checker?.(request);
      if (elsewhere === undefined) {
        settle(array, slot, checkPageBucket(request));
        return;
      }
      const done = elsewhere.then((verdict) => settle(array, slot, verdict));
      // Awaited by end(); until then a rejection is not unhandled.
      done.catch(() => undefined);
      handedOut.push(done);
    },
  });

  const verdict = (envelope: string, split: boolean): PageRead => {
    const body = parseJsonExact(envelope);
    // Not split: the body has no data array, so it is not a page; say why as a whole.
    if (!split) return { ok: false, issue: describeIssues(pageIssues(endpoint, body)) };
    const { slots } = data;
    const dataIssues = slots.flatMap((slot) => (slot.verdict?.ok === false ? slot.verdict.issues : []));
    const issues = pageOrder(pageIssues(endpoint, body), dataIssues);
    if (issues.length > 0) return { ok: false, issue: describeIssues(issues) };
    const { has_more, next_page } = body as { has_more: boolean; next_page: string | null };
    const buckets = slots.map((slot): PageBucket => {
      const checked = slot.verdict as Extract<BucketVerdict, { ok: true }>;
      return { startTime: checked.startTime, endTime: checked.endTime, bytes: checked.packed ?? (slot.bytes as Uint8Array), plainNumbers: slot.plainNumbers };
    });
    return { ok: true, page: { has_more, next_page, buckets } };
  };

  return {
    write: (chunk) => splitter.write(chunk),
    end() {
      const { envelope, split } = splitter.end();
      if (handedOut.length === 0) return verdict(envelope, split);
      return (async () => {
        for (const done of handedOut) await done;
        return verdict(envelope, split);
      })();
    },
  };
}
