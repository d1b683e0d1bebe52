// One request to the GitHub REST API, with the retry rules publishing depends on: GET and
// PATCH are idempotent, so a 5xx, a 429 or a dropped connection is tried again with
// backoff; a POST is sent once, because a create whose answer was lost may have happened
// and only the caller can look before creating again. A rate-limit refusal is the one
// exception: GitHub rejected the request before acting on it, so even a POST may wait and
// go again. The token, and anything shaped like a credential, is redacted from every
// message, log line and request body: an issue or pull request body is public.

import { request } from 'undici';
import type { Clock, Logger } from '../../ports.js';
import { createRedactor, type Redactor } from '../../providers/http/redact.js';
import { backoffDelay, isRetryableNetworkError, parseRetryAfter } from '../../providers/http/retry-policy.js';
import { describeRefusal } from './failures.js';
import { GitHubError } from './port.js';

export type Method = 'GET' | 'POST' | 'PATCH';

export interface GitHubResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
}

export interface SendOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** A non-2xx answer the caller handles itself, e.g. a 404 meaning "no such label yet". */
  accept?: (response: GitHubResponse) => boolean;
}

export interface Transport {
  /** `target`: a path under the API URL, or an absolute URL from a `Link` header. */
  send(method: Method, target: string | URL, options?: SendOptions): Promise<GitHubResponse>;
}

export interface TransportOptions {
  token: string;
  /** May carry a path, as GitHub Enterprise Server's https://ghe.example.com/api/v3. */
  apiUrl: URL;
  repository: string;
  clock: Clock;
  logger?: Logger;
  maxRetries: number;
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** Longer rate-limit waits fail instead: a primary limit can take an hour to reset. */
const MAX_RATE_LIMIT_WAIT_MS = 300_000;
/** GitHub asks for at least a minute when a secondary limit gives no headers. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;
const HEADERS_TIMEOUT_MS = 30_000;
const BODY_TIMEOUT_MS = 60_000;

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * How long a rate-limited answer asks us to wait, or undefined when it is not one. A 403
 * is a rate limit only with `retry-after` or an exhausted `x-ratelimit-remaining`;
 * otherwise it is a permission problem that waiting cannot fix.
 */
function rateLimitWait(response: GitHubResponse, now: Date): number | undefined {
  const { status, headers } = response;
  if (status !== 429 && status !== 403) return undefined;
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now.getTime());
    return SECONDARY_LIMIT_WAIT_MS;
  }
  return status === 429 ? SECONDARY_LIMIT_WAIT_MS : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Every string inside a JSON request body, redacted; keys and structure stay as they are. */
function redactBody(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactBody(item, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactBody(item, redact)]));
  }
  return value;
}

export function createTransport(options: TransportOptions): Transport {
  const { token, apiUrl, repository, clock, logger, maxRetries } = options;
  const redact = createRedactor([token]);
  const prefix = apiUrl.pathname.replace(/\/+$/, '');
  const root = `${apiUrl.origin}${prefix}`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'user-agent': 'usage-ledger',
    'x-github-api-version': '2022-11-28',
  };

  function resolve(target: string | URL, query: Record<string, string> | undefined): URL {
    const url = typeof target === 'string' ? new URL(`${root}${target}`) : new URL(target.href);
    // A pagination link is followed only within the API URL: the token must not go elsewhere.
    if (url.origin !== apiUrl.origin || !url.pathname.startsWith(`${prefix}/`)) {
      throw new GitHubError(`GitHub sent a link outside ${root}; not following it`);
    }
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    return url;
  }

  async function send(method: Method, target: string | URL, sendOptions: SendOptions = {}): Promise<GitHubResponse> {
    const url = resolve(target, sendOptions.query);
    const where = `${method} ${url.pathname}`;
    const idempotent = method !== 'POST';
    const payload = sendOptions.body === undefined ? undefined : JSON.stringify(redactBody(sendOptions.body, redact));

    for (let attempt = 0; ; attempt += 1) {
      const canRetry = attempt < maxRetries;
      let response: GitHubResponse;
      try {
        const answer = await request(url, {
          method,
          headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          body: payload,
          headersTimeout: HEADERS_TIMEOUT_MS,
          bodyTimeout: BODY_TIMEOUT_MS,
        });
        const text = await answer.body.text();
        response = { status: answer.statusCode, headers: flatten(answer.headers), body: parseBody(text) };
      } catch (error) {
        const reason = redact(errorText(error));
        if (idempotent && canRetry && isRetryableNetworkError(error)) {
          const delay = backoffDelay(attempt + 1, BASE_DELAY_MS, MAX_DELAY_MS, Math.random);
          logger?.debug(redact(`GitHub ${where} failed (${reason}); retry ${attempt + 1} of ${maxRetries} in ${delay} ms`));
          await clock.sleep(delay);
          continue;
        }
        throw new GitHubError(
          `Could not reach GitHub for ${where} at ${root} (${reason}); the request may or may not have taken effect`,
          { uncertain: true, cause: error },
        );
      }
      const { status } = response;
      logger?.debug(redact(`GitHub ${where} -> ${status} (attempt ${attempt + 1})`));
      if ((status >= 200 && status <= 299) || sendOptions.accept?.(response) === true) return response;

      const limitedFor = rateLimitWait(response, clock.now());
      if (limitedFor !== undefined) {
        if (canRetry && limitedFor <= MAX_RATE_LIMIT_WAIT_MS) {
          logger?.debug(`GitHub rate limit on ${where}; waiting ${limitedFor} ms`);
          await clock.sleep(limitedFor);
          continue;
        }
        const until = new Date(clock.now().getTime() + limitedFor).toISOString();
        throw new GitHubError(redact(`GitHub rate limit reached for ${where} (${status}); it lifts at about ${until}`), {
          status,
        });
      }
      if (status >= 500 && idempotent && canRetry) {
        const delay =
          parseRetryAfter(response.headers['retry-after'], clock.now()) ??
          backoffDelay(attempt + 1, BASE_DELAY_MS, MAX_DELAY_MS, Math.random);
        logger?.debug(`GitHub ${where} answered ${status}; retry ${attempt + 1} of ${maxRetries} in ${delay} ms`);
        await clock.sleep(Math.min(delay, MAX_RATE_LIMIT_WAIT_MS));
        continue;
      }
      const message = describeRefusal({ method, path: url.pathname, status, body: response.body, repository });
      throw new GitHubError(redact(message), { status, uncertain: status >= 500 });
    }
  }

  return { send };
}
