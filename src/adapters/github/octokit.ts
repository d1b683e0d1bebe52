// Builds the one Octokit client publishing uses, configured as GitHub recommends: the
// retry plugin for 5xx and dropped connections, the throttling plugin for primary and
// secondary rate limits and for one write at a time, pagination from @octokit/rest.
// Creates opt out of the retry plugin per request (see client.ts): a create whose answer
// was lost may have happened, so only the caller can look before creating again.

/// <reference path="./bottleneck-light.d.ts" />
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import packageJson from '../../../package.json' with { type: 'json' };
import type { Logger } from '../../ports.js';
import type { Redactor } from '../http/redact.js';
import { GitHubError } from './port.js';

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export interface OctokitSettings {
  token: string;
  /** Without a trailing slash; may carry a path, as GitHub Enterprise Server's /api/v3. */
  apiRoot: string;
  redact: Redactor;
  logger?: Logger;
  /** Extra attempts after a 5xx, a dropped connection or a rate limit. */
  maxRetries: number;
  /** Milliseconds per second of a wait GitHub asks for; tests shrink it to keep waits short. */
  retryAfterBaseMs: number;
  /** Total time one attempt may take. */
  timeoutMs: number;
  /** The seam for a proxy: a fetch that routes through it. */
  fetch: typeof globalThis.fetch;
}

/** 4xx answers waiting cannot fix; 429 is left to the throttling plugin, which reads Retry-After. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
/** Longer rate-limit waits fail instead: a primary limit can take an hour to lift. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 300;

/** Request options that route and shape the request; every other key is a parameter. */
const ROUTING_KEYS = new Set(['method', 'url', 'baseUrl', 'headers', 'request', 'mediaType']);

/** Every string inside a parameter, redacted; keys and structure stay as they are. */
function redactStrings(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redact)]));
  }
  return value;
}

/** Each attempt gets its own deadline; `fetch` is where a proxy would plug in. */
function fetchWithDeadline(fetch: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch {
  return (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
  };
}

/**
 * Writes go one at a time, as GitHub asks, but without the plugin's default pause of one
 * second between writes and three between creates: GitHub asks for that pause when a
 * client makes many writes, and a run makes a handful (labels, one issue, a comment, a
 * pull request). A secondary limit, if one comes anyway, is waited out like any other.
 */
function serialWriteQueues() {
  return {
    write: new Bottleneck.Group({ maxConcurrent: 1 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1 }),
  };
}

export function createOctokit(settings: OctokitSettings): GitHubOctokit {
  const { apiRoot, redact, logger, maxRetries, retryAfterBaseMs } = settings;
  const debug = (message: unknown) => logger?.debug(redact(String(message)));
  const shouldWait = (kind: string) => (retryAfter: number, options: Parameters<GitHubOctokit['request']['endpoint']['parse']>[0], _octokit: unknown, retryCount: number) => {
    // The expanded path only: queries stay out of messages.
    const { method, url } = octokit.request.endpoint.parse(options);
    const where = `${method} ${new URL(url, `${apiRoot}/`).pathname}`;
    if (retryCount >= maxRetries || retryAfter > MAX_RATE_LIMIT_WAIT_SECONDS) {
      logger?.info(redact(`GitHub ${kind} on ${where}: asked to wait ${retryAfter} s; giving up`));
      return false;
    }
    logger?.info(redact(`GitHub ${kind} on ${where}: waiting ${retryAfter} s (retry ${retryCount + 1} of ${maxRetries})`));
    return true;
  };

  const octokit = new GitHubOctokit({
    auth: settings.token,
    baseUrl: apiRoot,
    userAgent: `${packageJson.name}/${packageJson.version}`,
    request: { fetch: fetchWithDeadline(settings.fetch, settings.timeoutMs) },
    // Octokit's debug line is the bare word "request"; its info and error lines name each call and status.
    log: { debug: () => undefined, info: debug, warn: (message: unknown) => logger?.warning(redact(String(message))), error: debug },
    retry: { retries: maxRetries, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: retryAfterBaseMs },
    throttle: {
      retryAfterBaseValue: retryAfterBaseMs,
      onRateLimit: shouldWait('rate limit'),
      onSecondaryRateLimit: shouldWait('secondary rate limit'),
      ...serialWriteQueues(),
    },
  });
  // A pagination link is followed only within the API URL: the token must not go elsewhere.
  octokit.hook.before('request', (options) => {
    if (/^https?:\/\//i.test(options.url) && !options.url.startsWith(`${apiRoot}/`)) {
      throw new GitHubError(redact(`GitHub sent a link outside ${apiRoot}; not following it`));
    }
  });
  // Issue and pull request bodies are public: any credential in a parameter is masked
  // before the request is built, so neither GitHub nor an error's request copy holds it.
  octokit.hook.before('request', (options) => {
    for (const key of Object.keys(options)) {
      if (!ROUTING_KEYS.has(key)) options[key] = redactStrings(options[key], redact);
    }
  });
  return octokit;
}
