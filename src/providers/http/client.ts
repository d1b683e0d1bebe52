// The one HTTP client every provider call goes through: timeouts, bounded retries with
// Retry-After honoured, a request-rate limit, exact JSON parsing, redacted errors and the
// counts a run reports (requests, retries, rate-limit headers seen).

import { Agent, request, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeUtf8Body } from '../../core/utf8.js';
import { parseJsonExact, type JsonValue } from '../../core/json.js';
import type { DataOrigin } from '../../core/usage-source.js';
import type { Clock, Logger } from '../../ports.js';
import {
  AuthError,
  ClientError,
  getErrorMessage,
  HttpError,
  InvalidResponseError,
  RetriesExhaustedError,
} from './errors.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRedactor } from './redact.js';
import { backoffDelay, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from './retry-policy.js';

/** The header the embedded simulator sets so its data can never pass for real data. */
export const ORIGIN_HEADER = 'x-usage-ledger-origin';
/** How many rate-limit header sets a run keeps for its diff file. */
export const RATE_LIMIT_HEADERS_KEPT = 50;

export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  /** Names the call in stats, logs and errors, e.g. "openai completions". */
  label: string;
}

export interface HttpResponse<Body = JsonValue> {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** By default parsed with parseJsonExact: non-integer numbers keep their literal. */
  body: Body;
  origin: DataOrigin;
}

/**
 * Reads a successful response's body as its bytes arrive, so a large body need never be
 * held whole. A fresh reader is opened for every attempt. A SyntaxError from write or end
 * means the body is not the JSON expected; anything else thrown is passed on as it is.
 */
export interface BodyReader<Body> {
  write(chunk: Uint8Array): void;
  /** May finish later, for a reader that hands work to other threads as the body arrives. */
  end(): Body | Promise<Body>;
}

export interface RateLimitHeaders {
  label: string;
  status: number;
  headers: Record<string, string>;
}

export interface HttpStats {
  /** Every attempt sent, retries included. */
  requests: number;
  retries: number;
  /** Attempts per request label. */
  byLabel: Record<string, number>;
  /** The most recent responses' `x-ratelimit-*` and `retry-after` headers. */
  rateLimitHeaders: RateLimitHeaders[];
}

export interface HttpClientOptions {
  clock: Clock;
  random?: () => number;
  /** Tests pass an undici MockAgent; by default the client owns an Agent with the timeouts below. */
  dispatcher?: Dispatcher;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is cut to it, so one answer cannot stall a run for hours. */
  maxRetryAfterMs?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Undefined: no limit. */
  maxRequestsPerMinute?: number;
  /** Replaced by *** in every error message and log line. */
  secrets: string[];
  logger?: Logger;
}

export interface HttpClient {
  getJson(request: HttpRequest): Promise<HttpResponse>;
  /** As getJson, with the body given to `openReader()`'s reader chunk by chunk instead of parsed whole. */
  getStreamed<Body>(request: HttpRequest, openReader: () => BodyReader<Body>): Promise<HttpResponse<Body>>;
  readonly stats: HttpStats;
  /** Closes the client's own connection pool; a dispatcher passed in is left to its owner. */
  close(): Promise<void>;
}

const DEFAULTS = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
} as const;

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function pickRateLimitHeaders(headers: Record<string, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-ratelimit-') || name === 'retry-after') picked[name] = value;
  }
  return picked;
}

/** The provider's own words from an error body: `{error: {message}}`, `{error}` or `{message}`. */
function providerMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return trimmed === '' ? undefined : trimmed.slice(0, 300);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'object' && error !== null) {
    const inner = (error as { message?: unknown }).message;
    if (typeof inner === 'string') return inner;
  }
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  return undefined;
}

/** The whole body as one text, parsed exactly: what getJson reads with. */
function wholeJsonReader(): BodyReader<JsonValue> {
  const chunks: Uint8Array[] = [];
  return {
    write(chunk) {
      chunks.push(chunk);
    },
    end() {
      return parseJsonExact(decodeUtf8Body(Buffer.concat(chunks)));
    },
  };
}

/** Thrown out of a body's read loop when the reader, not the connection, failed. */
class ReaderFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

interface AttemptFailure {
  status: number | undefined;
  retryAfterMs: number | undefined;
  description: string;
  cause?: unknown;
}

/**
 * Feeds the body to the reader as it arrives. A reader's failure comes out wrapped in
 * ReaderFailure, so it is never taken for the connection's (which may be retried); the
 * body is then abandoned, which closes its stream.
 */
async function readBody<Body>(stream: AsyncIterable<Uint8Array>, reader: BodyReader<Body>): Promise<Body> {
  for await (const chunk of stream) {
    try {
      reader.write(chunk);
    } catch (error) {
      throw new ReaderFailure(error);
    }
  }
  try {
    return await reader.end();
  } catch (error) {
    throw new ReaderFailure(error);
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = {
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
  };
  if (!Number.isInteger(settings.maxRetries) || settings.maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number of at least 0, got ${settings.maxRetries}`);
  }
  const { clock, logger } = options;
  const random = options.random ?? Math.random;
  const redact = createRedactor(options.secrets);
  const limiter = createRateLimiter(options.maxRequestsPerMinute, clock);
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: settings.connectTimeoutMs },
          headersTimeout: settings.headersTimeoutMs,
          bodyTimeout: settings.bodyTimeoutMs,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const stats: HttpStats = { requests: 0, retries: 0, byLabel: {}, rateLimitHeaders: [] };

  const debug = (line: string): void => logger?.debug(redact(line));

  function recordRateLimitHeaders(label: string, status: number, headers: Record<string, string>): void {
    const picked = pickRateLimitHeaders(headers);
    if (Object.keys(picked).length === 0) return;
    stats.rateLimitHeaders.push({ label, status, headers: picked });
    if (stats.rateLimitHeaders.length > RATE_LIMIT_HEADERS_KEPT) {
      stats.rateLimitHeaders.splice(0, stats.rateLimitHeaders.length - RATE_LIMIT_HEADERS_KEPT);
    }
  }

  async function getStreamed<Body>({ url, headers, label }: HttpRequest, openReader: () => BodyReader<Body>): Promise<HttpResponse<Body>> {
    const path = url.pathname;
    const where = `${label}: GET ${path}`;
    let lastFailure: AttemptFailure | undefined;

    for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt += 1) {
      if (attempt > 1) {
        const failure = lastFailure as AttemptFailure;
        const backoff = backoffDelay(attempt - 1, settings.baseDelayMs, settings.maxDelayMs, random);
        const delay =
          failure.retryAfterMs === undefined ? backoff : Math.min(failure.retryAfterMs, settings.maxRetryAfterMs);
        stats.retries += 1;
        debug(`${where} ${failure.description}; retry ${attempt - 1} of ${settings.maxRetries} in ${delay} ms`);
        await clock.sleep(delay);
      }
      await limiter.acquire();
      stats.requests += 1;
      stats.byLabel[label] = (stats.byLabel[label] ?? 0) + 1;

      let status: number;
      let responseHeaders: Record<string, string>;
      let text = '';
      let body: Body | undefined;
      let readerError: { error: unknown } | undefined;
      try {
        const response = await request(url, {
          method: 'GET',
          headers: { accept: 'application/json', ...headers },
          dispatcher,
          headersTimeout: settings.headersTimeoutMs,
          bodyTimeout: settings.bodyTimeoutMs,
        });
        status = response.statusCode;
        responseHeaders = flattenHeaders(response.headers);
        if (status >= 200 && status <= 299) {
          try {
            body = await readBody(response.body, openReader());
          } catch (error) {
            if (!(error instanceof ReaderFailure)) throw error;
            readerError = { error: error.error };
          }
        } else text = await response.body.text();
      } catch (error) {
        const reason = redact(getErrorMessage(error));
        if (!isRetryableNetworkError(error)) {
          throw new HttpError(`${where} failed: ${reason}`, { label, path, cause: error });
        }
        lastFailure = { status: undefined, retryAfterMs: undefined, description: `failed (${reason})`, cause: error };
        continue;
      }

      recordRateLimitHeaders(label, status, responseHeaders);
      debug(`${where} -> ${status} (attempt ${attempt})`);

      if (readerError !== undefined) {
        if (!(readerError.error instanceof SyntaxError)) throw readerError.error;
        throw new InvalidResponseError(`${where} returned ${status} with a body that is not JSON`, {
          label,
          path,
          status,
          cause: readerError.error,
        });
      }
      if (status >= 200 && status <= 299) {
        const origin: DataOrigin = responseHeaders[ORIGIN_HEADER]?.trim().toLowerCase() === 'simulator' ? 'simulator' : 'provider';
        return { status, headers: responseHeaders, body: body as Body, origin };
      }

      const said = providerMessage(text);
      const saidRedacted = said === undefined ? undefined : redact(said);
      const suffix = saidRedacted === undefined ? '' : `: ${saidRedacted}`;
      if (status === 401 || status === 403) {
        throw new AuthError(`${where} was refused with ${status}${suffix}`, {
          label,
          path,
          status,
          ...(saidRedacted === undefined ? {} : { providerMessage: saidRedacted }),
        });
      }
      if (!isRetryableStatus(status)) {
        throw new ClientError(`${where} failed with ${status}${suffix}`, {
          label,
          path,
          status,
          ...(saidRedacted === undefined ? {} : { providerMessage: saidRedacted }),
        });
      }
      lastFailure = {
        status,
        retryAfterMs: parseRetryAfter(responseHeaders['retry-after'], clock.now()),
        description: `got ${status}${suffix}`,
      };
    }

    const failure = lastFailure as AttemptFailure;
    const attempts = settings.maxRetries + 1;
    throw new RetriesExhaustedError(`${where} gave up after ${attempts} attempts: last ${failure.description}`, {
      label,
      path,
      lastStatus: failure.status,
      attempts,
      rateLimited: failure.status === 429,
      cause: failure.cause,
    });
  }

  return {
    getJson: (request) => getStreamed(request, wholeJsonReader),
    getStreamed,
    stats,
    async close() {
      await ownAgent?.close();
    },
  };
}

