// Response bodies as OpenAI writes them: pages of buckets, and error objects of the form
// {"error":{"message","type","param","code"}}. Money travels as ExactNumber and is written
// as the exact decimal literal, never through a binary float.

import { ExactNumber } from '../lib/json/json.js';

export interface BucketBody<T> {
  object: 'bucket';
  start_time: number;
  end_time: number;
  results: T[];
}

export interface PageBody<T> {
  object: 'page';
  data: BucketBody<T>[];
  has_more: boolean;
  next_page: string | null;
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** What the handler decided; the server adds the common headers and writes it. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The error `type` OpenAI uses for each kind of failure. */
function errorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function errorReply(status: number, message: string, options: { param?: string | null; retryAfter?: string } = {}): Reply {
  const body: ErrorBody = {
    error: {
      message,
      type: errorType(status),
      param: options.param ?? null,
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  };
  return { status, body, headers: options.retryAfter === undefined ? {} : { 'retry-after': options.retryAfter } };
}

/** A default message for an injected failure of the given status. */
export function failureMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests. Please try again later.';
  if (status === 502) return 'Bad gateway.';
  if (status === 503) return 'The server is overloaded or not ready yet.';
  if (status >= 500) return 'The server had an error while processing your request. Sorry about that!';
  return `Request failed with status ${status}.`;
}

// JSON.rawJSON (Node 21+) lets JSON.stringify emit a literal verbatim; the ES2023 lib
// this project compiles against does not declare it yet.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function exactNumbers(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  // JSON.stringify has already called toJSON (which yields a string), so look at the holder.
  return original instanceof ExactNumber ? rawJson(original.literal) : value;
}

/** Compact JSON text; ExactNumber values are written as their literal. */
export function encodeJson(value: unknown, hasExactNumbers: boolean): string {
  return hasExactNumbers ? JSON.stringify(value, exactNumbers) : JSON.stringify(value);
}
