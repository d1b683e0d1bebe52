// From one request to one reply, in the order a real provider's layers would act:
// routing, the organization's rate limit, queued test failures, authentication,
// scenario faults, parameter validation, and finally the page of buckets.

import { costsBuckets, usageBuckets, type CostsResult, type UsageResult } from './aggregate.js';
import { isUsageEndpoint, USAGE_SPECS } from './endpoints.js';
import type { EventStore } from './event-store.js';
import { assemblePage, decodeCursor, encodeCursor, queryFingerprint, type Position } from './pagination.js';
import { parseCostsQuery, parseUsageQuery, QueryError, queryIdentity, type CostsQuery, type RawQuery, type UsageQuery } from './query.js';
import { encodeJson, errorReply, failureMessage, type PageBody, type Reply } from './responses.js';
import type { Scenarios } from './scenarios.js';
import type { FailureQueue, RateDecision, RequestRateLimiter } from './throttles.js';

const USAGE_PREFIX = '/v1/organization/usage/';
const COSTS_PATH = '/v1/organization/costs';
export const REQUIRED_SCOPE = 'api.usage.read';

export interface IncomingCall {
  method: string;
  path: string;
  raw: RawQuery;
  authorization: string | undefined;
}

export interface HandlerParts {
  store: EventStore;
  scenarios: Scenarios;
  rateLimiter: RequestRateLimiter;
  failures: FailureQueue;
  maxResultsPerPage: number;
}

/** A reply plus what the server needs for the log and the rate-limit headers. */
export interface HandledCall {
  endpoint: string;
  reply: Reply;
  /** Serialized body. */
  text: string;
  rate: { limit: number; remaining: number };
}

/** 'completions', ..., 'costs' for a known path; undefined otherwise. */
export function endpointOf(path: string): string | undefined {
  if (path === COSTS_PATH) return 'costs';
  if (path.startsWith(USAGE_PREFIX)) {
    const name = path.slice(USAGE_PREFIX.length);
    if (isUsageEndpoint(name)) return name;
  }
  return undefined;
}

function authFailure(authorization: string | undefined): Reply | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(authorization?.trim() ?? '');
  const key = match?.[1]?.trim() ?? '';
  if (key === '') {
    return errorReply(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (!key.startsWith('sk-admin-')) {
    return errorReply(
      403,
      `You have insufficient permissions for this operation. Missing scopes: ${REQUIRED_SCOPE}. The usage and costs endpoints need an admin key that has the ${REQUIRED_SCOPE} scope.`,
    );
  }
  return undefined;
}

function servePage(parts: HandlerParts, call: IncomingCall, endpoint: string, query: UsageQuery | CostsQuery): Reply {
  const { store, scenarios } = parts;
  const bucketCount = Math.ceil((query.end - query.start) / query.width);
  // The cursor stays valid if only `limit` changes between pages, as with the real API.
  const fingerprint = queryFingerprint(queryIdentity(call.path, call.raw, ['page', 'limit']));
  const begin: Position = query.page ? decodeCursor(query.page, fingerprint, bucketCount) : { bucket: 0, offset: 0 };
  scenarios.beforeServe(endpoint, query, queryIdentity(call.path, call.raw, ['page']), query.page === undefined);

  const rules = {
    limit: query.limit,
    maxResults: scenarios.resultCap(endpoint, parts.maxResultsPerPage),
    bucketCount,
    omit: (index: number) => scenarios.omitsBucket(query.start + index * query.width),
    repeatAfter: (index: number) => scenarios.repeatsAfter(endpoint, query.start + index * query.width),
  };
  const compute = (from: number, count: number, over: UsageQuery | CostsQuery = query): (UsageResult | CostsResult)[][] =>
    over.kind === 'usage' ? usageBuckets(store, over, { from, count }) : costsBuckets(store, over, { from, count });
  const page = assemblePage(begin, rules, compute);
  const body: PageBody<UsageResult | CostsResult> = {
    object: 'page',
    data: page.buckets.map(({ index, results }) => {
      const start = query.start + index * query.width;
      return { object: 'bucket', start_time: start, end_time: start + query.width, results };
    }),
    has_more: page.next !== null,
    next_page: page.next ? encodeCursor(page.next, fingerprint) : null,
  };
  if (scenarios.addsBucketBefore(endpoint, query.page === undefined) && query.start >= query.width) {
    // The window just before the range, with the usage it really had.
    const before = { ...query, start: query.start - query.width, end: query.start };
    body.data.unshift({ object: 'bucket', start_time: before.start, end_time: before.end, results: compute(0, 1, before)[0] ?? [] });
  }
  scenarios.shapePage(endpoint, body, query.page);
  return { status: 200, body };
}

function decide(parts: HandlerParts, call: IncomingCall, endpoint: string | undefined, rate: RateDecision): Reply {
  if (endpoint === undefined || call.method !== 'GET') return errorReply(404, `Invalid URL (${call.method} ${call.path})`);
  if (!rate.allowed) {
    const message = `Rate limit reached for requests: limit ${rate.limit} per minute. Please try again in ${rate.retryAfterSeconds}s.`;
    return errorReply(429, message, { retryAfter: String(rate.retryAfterSeconds) });
  }
  const queued = parts.failures.take(endpoint);
  if (queued) return errorReply(queued.status, failureMessage(queued.status), { retryAfter: queued.retryAfter });
  const denied = authFailure(call.authorization);
  if (denied) return denied;
  const fault = parts.scenarios.faultFor(endpoint, queryIdentity(call.path, call.raw));
  if (fault) return errorReply(fault.status, failureMessage(fault.status), { retryAfter: fault.retryAfter });
  try {
    const now = parts.store.nowSeconds();
    const query = isUsageEndpoint(endpoint) ? parseUsageQuery(USAGE_SPECS[endpoint], call.raw, now) : parseCostsQuery(call.raw, now);
    return servePage(parts, call, endpoint, query);
  } catch (error) {
    if (error instanceof QueryError) return errorReply(400, error.message, { param: error.param });
    throw error;
  }
}

export function handleCall(parts: HandlerParts, call: IncomingCall): HandledCall {
  const endpoint = endpointOf(call.path);
  const rate = parts.rateLimiter.admit();
  let reply: Reply;
  try {
    reply = decide(parts, call, endpoint, rate);
  } catch (error) {
    // A bug in the simulator must still produce a well-formed provider error.
    const message = error instanceof Error ? error.message : String(error);
    reply = errorReply(500, `Simulator error: ${message}`);
  }
  const text = encodeJson(reply.body, endpoint === 'costs');
  return { endpoint: endpoint ?? '', reply, text, rate: { limit: rate.limit, remaining: rate.remaining } };
}
