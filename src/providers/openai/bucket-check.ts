// One bucket of a page, checked: parsed, held to its endpoint's schema, and, when its day
// waits long, packed. Plain data in and out, so it runs on the engine thread as the page
// is read or, while they have nothing to build, on a day builder thread.

import { keysHavePlainIntegers } from '../../core/json-number-literals.js';
import { parseJsonExact, type JsonValue } from '../../core/json.js';
import { packBytes, type PackedBytes } from '../../core/packed-bytes.js';
import { decodeUtf8 } from '../../core/utf8.js';
import type { OpenAiEndpoint } from './endpoints.js';
import { bucketIssues, type OpenAiBucket, type ShapeIssue } from './schemas.js';

export interface BucketCheckRequest {
  endpoint: OpenAiEndpoint;
  bytes: Uint8Array;
  /** Every number in it is a plain integer (the splitter saw no fraction, exponent or long run of digits). */
  plainNumbers: boolean;
  /** Its place in the page's data, for the issues' paths. */
  index: number;
  pack: boolean;
}

export type BucketVerdict =
  | { ok: true; startTime: number; endTime: number; packed?: PackedBytes }
  | { ok: false; issues: ShapeIssue[] };

/**
 * Checks a bucket on another thread when one is free, or answers undefined and the caller
 * checks it itself. It may take over the request's bytes when they are to be packed (the
 * verdict brings them back packed). A rejection with a SyntaxError says the bucket is not
 * JSON; any other says the helper failed.
 */
export type BucketChecker = (request: BucketCheckRequest) => Promise<BucketVerdict> | undefined;

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
function parseAndCheck(endpoint: OpenAiEndpoint, bytes: Uint8Array, plainNumbers: boolean, index: number) {
  const text = decodeUtf8(bytes);
  if (plainNumbers || (endpoint === 'costs' && keysHavePlainIntegers(text, COSTS_INTEGER_FIELDS))) {
    const bucket = JSON.parse(text) as JsonValue;
    const issues = bucketIssues(endpoint, bucket, index);
    if (issues.length === 0 || plainNumbers) return { bucket, issues };
  }
  const bucket = parseJsonExact(text);
  return { bucket, issues: bucketIssues(endpoint, bucket, index) };
}

/** Throws SyntaxError when the bucket is not JSON. */
export function checkPageBucket({ endpoint, bytes, plainNumbers, index, pack }: BucketCheckRequest): BucketVerdict {
  const { bucket, issues } = parseAndCheck(endpoint, bytes, plainNumbers, index);
  if (issues.length > 0) return { ok: false, issues };
  const { start_time: startTime, end_time: endTime } = bucket as unknown as OpenAiBucket;
  return pack ? { ok: true, startTime, endTime, packed: packBytes(bytes) } : { ok: true, startTime, endTime };
}
