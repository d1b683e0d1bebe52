// The one HTTP client every provider call goes through: timeouts and deadlines, bounded
// retries with Retry-After honoured, a request-rate limit, exact JSON parsing, redacted
// errors and the counts a run reports (requests, retries, rate-limit headers seen).

import { Agent, type Dispatcher } from 'undici';
import type { JsonValue } from '../../lib/json/json.js';
import type { DataOrigin } from '../../domain/usage-source.js';
import type { Clock, Logger } from '../../ports.js';
import { sendAttempt, type AttemptOutcome, type AttemptProgress } from './attempt.js';
import { createTimeline, startRequestDeadlines, type RequestDeadlines, type RunDeadline } from './deadlines.js';
import {
  AuthError,
  ClientError,
  getErrorMessage,
  HttpError,
  InvalidResponseError,
  RetriesExhaustedError,
} from './errors.js';
import { createRateLimiter } from './rate-limiter.js';
import { createStats, recordRateLimitHeaders, type HttpStats } from './stats.js';
import { createRedactor, type Redactor } from './redact.js';
import { providerMessage, wholeJsonReader, type BodyReader } from './response-body.js';
import { backoffDelay, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from './retry-policy.js';
import { createWaiter } from './waits.js';

export type { BodyReader } from './response-body.js';
export { RATE_LIMIT_HEADERS_KEPT, type HttpStats, type RateLimitHeaders } from './stats.js';

/** The header the embedded simulator sets so its data can never pass for real data. */
export const ORIGIN_HEADER = 'x-usage-ledger-origin';

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
  /** Bounds only the gap between two chunks of a body; requestTimeoutMs bounds the whole. */
  bodyTimeoutMs?: number;
  /** The total one request may take: connecting, every attempt's body and the waits between them. */
  requestTimeoutMs?: number;
  /** After it no request starts, and those in flight are cut off. Undefined: no run deadline. */
  runDeadline?: RunDeadline;
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
  requestTimeoutMs: 120_000,
} as const;

interface AttemptFailure {
  status: number | undefined;
  retryAfterMs: number | undefined;
  /** Short, for the log line of the wait: "HTTP 429", "failed (socket hang up)". */
  reason: string;
  description: string;
  cause?: unknown;
}

/**
 * What one answer means: the response, a failure worth retrying, or (thrown) an error
 * no retry can fix. The provider's own words are kept, redacted, in every message.
 */
function judgeAnswer<Body>(
  outcome: AttemptOutcome<Body>,
  { where, label, path, redact, now }: { where: string; label: string; path: string; redact: Redactor; now: Date },
): HttpResponse<Body> | { failure: AttemptFailure } {
  const { status, headers: responseHeaders } = outcome;
  if (outcome.readerError !== undefined) {
    if (!(outcome.readerError.error instanceof SyntaxError)) throw outcome.readerError.error;
    throw new InvalidResponseError(`${where} returned ${status} with a body that is not JSON`, {
      label,
      path,
      status,
      cause: outcome.readerError.error,
    });
  }
  if (status >= 200 && status <= 299) {
    const origin: DataOrigin = responseHeaders[ORIGIN_HEADER]?.trim().toLowerCase() === 'simulator' ? 'simulator' : 'provider';
    return { status, headers: responseHeaders, body: outcome.body as Body, origin };
  }

  const said = providerMessage(outcome.text);
  const saidRedacted = said === undefined ? undefined : redact(said);
  const suffix = saidRedacted === undefined ? '' : `: ${saidRedacted}`;
  const explained = saidRedacted === undefined ? {} : { providerMessage: saidRedacted };
  if (status === 401 || status === 403) {
    throw new AuthError(`${where} was refused with ${status}${suffix}`, { label, path, status, ...explained });
  }
  if (!isRetryableStatus(status)) {
    throw new ClientError(`${where} failed with ${status}${suffix}`, { label, path, status, ...explained });
  }
  return {
    failure: { status, retryAfterMs: parseRetryAfter(responseHeaders['retry-after'], now), reason: `HTTP ${status}`, description: `got ${status}${suffix}` },
  };
}

/** The options with their defaults, checked. */
function resolveSettings(options: HttpClientOptions): Required<Omit<HttpClientOptions, 'clock' | 'random' | 'dispatcher' | 'runDeadline' | 'maxRequestsPerMinute' | 'secrets' | 'logger'>> {
  const settings = {
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
  };
  if (!Number.isInteger(settings.maxRetries) || settings.maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number of at least 0, got ${settings.maxRetries}`);
  }
  if (!(settings.requestTimeoutMs > 0)) {
    throw new RangeError(`requestTimeoutMs must be a positive number, got ${settings.requestTimeoutMs}`);
  }
  return settings;
}

/** One attempt, cut off by a real timer when the nearer deadline ends. */
async function attemptWithin<Body>(
  { stats, dispatcher, headersTimeoutMs, bodyTimeoutMs }: { stats: HttpStats; dispatcher: Dispatcher; headersTimeoutMs: number; bodyTimeoutMs: number },
  deadlines: RequestDeadlines,
  attempt: number,
  request: HttpRequest,
  openReader: () => BodyReader<Body>,
): Promise<AttemptOutcome<Body>> {
  const expiry = deadlines.nearest();
  if (expiry.remainingMs <= 0) throw deadlines.error(expiry, { at: 'start' });
  stats.requests += 1;
  if (attempt > 1) stats.retries += 1;
  stats.byLabel[request.label] = (stats.byLabel[request.label] ?? 0) + 1;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), expiry.remainingMs);
  const progress: AttemptProgress = { phase: 'waiting for the response' };
  try {
    return await sendAttempt(
      { url: request.url, headers: request.headers, dispatcher, headersTimeoutMs, bodyTimeoutMs, signal: controller.signal, openReader },
      progress,
    );
  } catch (error) {
    if (controller.signal.aborted) throw deadlines.error(expiry, { at: 'attempt', attempt, phase: progress.phase });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = resolveSettings(options);
  const { clock, logger } = options;
  const random = options.random ?? Math.random;
  const redact = createRedactor(options.secrets);
  const timeline = createTimeline(clock);
  // The limiter's sleeps go through the timeline too, so they count against deadlines.
  const limiter = createRateLimiter(options.maxRequestsPerMinute, { now: () => clock.now(), sleep: (ms) => timeline.sleep(ms) });
  const ownAgent = options.dispatcher === undefined ? new Agent({ connect: { timeout: settings.connectTimeoutMs }, headersTimeout: settings.headersTimeoutMs, bodyTimeout: settings.bodyTimeoutMs }) : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const stats = createStats();

  const debug = (line: string): void => logger?.debug(redact(line));
  const waitWithin = createWaiter(clock, timeline, { info: (line) => logger?.info(redact(line)), debug });
  const rateLimitReason = `request rate limit of ${options.maxRequestsPerMinute} per minute`;

  async function getStreamed<Body>(request: HttpRequest, openReader: () => BodyReader<Body>): Promise<HttpResponse<Body>> {
    const { url, label } = request;
    const path = url.pathname;
    const where = `${label}: GET ${path}`;
    const deadlines = startRequestDeadlines(timeline, settings.requestTimeoutMs, options.runDeadline, { label, path, where });
    let lastFailure: AttemptFailure | undefined;

    for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt += 1) {
      if (attempt > 1) {
        const failure = lastFailure as AttemptFailure;
        const backoff = backoffDelay(attempt - 1, settings.baseDelayMs, settings.maxDelayMs, random);
        const delay =
          failure.retryAfterMs === undefined ? backoff : Math.min(failure.retryAfterMs, settings.maxRetryAfterMs);
        await waitWithin(deadlines, where, { ms: delay, reason: failure.reason, purpose: `before retry ${attempt - 1} of ${settings.maxRetries}` });
      }
      await limiter.acquire((ms) => waitWithin(deadlines, where, { ms, reason: rateLimitReason, purpose: 'for the next request slot' }));

      let outcome: AttemptOutcome<Body>;
      try {
        outcome = await attemptWithin({ stats, dispatcher, ...settings }, deadlines, attempt, request, openReader);
      } catch (error) {
        // Only a deadline comes out typed; it is never retried.
        if (error instanceof HttpError) throw error;
        const reason = redact(getErrorMessage(error));
        if (!isRetryableNetworkError(error)) {
          throw new HttpError(`${where} failed: ${reason}`, { label, path, cause: error });
        }
        lastFailure = { status: undefined, retryAfterMs: undefined, reason: `failed (${reason})`, description: `failed (${reason})`, cause: error };
        continue;
      }
      const { status, headers: responseHeaders } = outcome;

      recordRateLimitHeaders(stats, label, status, responseHeaders);
      debug(`${where} -> ${status} (attempt ${attempt})`);
      const answer = judgeAnswer(outcome, { where, label, path, redact, now: clock.now() });
      if ('failure' in answer) lastFailure = answer.failure;
      else return answer;
    }

    const failure = lastFailure as AttemptFailure;
    const attempts = settings.maxRetries + 1;
    const details = { label, path, lastStatus: failure.status, attempts, rateLimited: failure.status === 429, cause: failure.cause };
    throw new RetriesExhaustedError(`${where} gave up after ${attempts} attempts: last ${failure.description}`, details);
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
