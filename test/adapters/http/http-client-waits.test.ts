// Waits between attempts and for rate-limit slots, on a fake clock: a wait that would end
// past a deadline is refused at once instead of slept, and every long wait is logged at
// info with what it waits for and until when.
import { afterEach, describe, expect, it } from 'vitest';
import { DeadlineExceededError } from '../../../src/adapters/http/errors.js';
import { startRunDeadline } from '../../../src/adapters/http/deadlines.js';
import { caught, closeMockAgents, costsUrl, mockedClient } from '../support/mock-http.js';

afterEach(closeMockAgents);

const PATH = '/v1/organization/costs';
const request = { url: costsUrl(), headers: {}, label: 'openai costs' };

/** Keeps each line with its level, so info and debug can be told apart. */
function levelledLogger() {
  const lines: Array<{ level: 'info' | 'warning' | 'debug'; message: string }> = [];
  return {
    lines,
    at: (level: 'info' | 'debug') => lines.filter((line) => line.level === level).map((line) => line.message),
    info: (message: string) => void lines.push({ level: 'info', message }),
    warning: (message: string) => void lines.push({ level: 'warning', message }),
    debug: (message: string) => void lines.push({ level: 'debug', message }),
    group: <T>(_name: string, body: () => Promise<T>) => body(),
  };
}

describe('http client: waits and deadlines', () => {
  it('gives up at once, without sleeping, when a Retry-After would end past the request timeout', async () => {
    const { pool, http, clock } = mockedClient({ requestTimeoutMs: 120_000 });
    pool.intercept({ path: PATH, method: 'GET' }).reply(429, '{}', { headers: { 'retry-after': '300' } });
    const error = await caught(http.getJson(request));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ deadline: 'request', timeoutMs: 120_000 });
    expect(error.message).toBe(
      `openai costs: GET ${PATH}: no complete response within the request timeout of 120 s (--request-timeout); the 300 s wait (HTTP 429, before retry 1 of 5) would end past it`,
    );
    expect(clock.sleeps).toEqual([]);
    expect(http.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('counts the waits already made against the request timeout', async () => {
    const { pool, http, clock } = mockedClient({ requestTimeoutMs: 120_000 });
    pool.intercept({ path: PATH, method: 'GET' }).reply(503, 'busy', { headers: { 'retry-after': '50' } }).times(3);
    const error = await caught(http.getJson(request));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    // 50 + 50 fit in 120 s; a third 50 would end at 150.
    expect(clock.sleeps).toEqual([50_000, 50_000]);
    expect(error.message).toMatch(/the 50 s wait \(HTTP 503, before retry 3 of 5\) would end past it$/);
    expect(http.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it('refuses a rate-limit wait longer than the request timeout', async () => {
    const { pool, http, clock } = mockedClient({ requestTimeoutMs: 30_000, maxRequestsPerMinute: 1 });
    pool.intercept({ path: PATH, method: 'GET' }).reply(200, '{}').times(2);
    await http.getJson(request);
    const error = await caught(http.getJson(request));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/the 60 s wait \(request rate limit of 1 per minute, for the next request slot\) would end past it$/);
    expect(clock.sleeps).toEqual([]);
    expect(http.stats.requests).toBe(1);
  });

  it('stops at the run deadline: the wait that would cross it is refused, and no request starts after it', async () => {
    const { pool, http, clock } = mockedClient({ runDeadline: startRunDeadline(60_000) });
    pool.intercept({ path: PATH, method: 'GET' }).reply(429, '{}', { headers: { 'retry-after': '45' } });
    pool.intercept({ path: PATH, method: 'GET' }).reply(200, '{"first":true}');
    pool.intercept({ path: PATH, method: 'GET' }).reply(429, '{}', { headers: { 'retry-after': '20' } });
    expect((await http.getJson(request)).body).toEqual({ first: true });
    const error = await caught(http.getJson(request));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ deadline: 'run', timeoutMs: 60_000 });
    expect(error.message).toBe(`openai costs: GET ${PATH}: the run timeout of 60 s (--run-timeout) would pass during the 20 s wait (HTTP 429, before retry 1 of 5)`);
    expect(clock.sleeps).toEqual([45_000]);
    expect(http.stats.requests).toBe(3);
  });

  it('logs a long Retry-After at info with what it waits for and until when, a short one at debug', async () => {
    const logger = levelledLogger();
    const { pool, http, clock } = mockedClient({ logger });
    pool.intercept({ path: PATH, method: 'GET' }).reply(429, '{}', { headers: { 'retry-after': '30' } });
    pool.intercept({ path: PATH, method: 'GET' }).reply(503, '{}', { headers: { 'retry-after': '2' } });
    pool.intercept({ path: PATH, method: 'GET' }).reply(200, '{}');
    await http.getJson(request);
    expect(clock.sleeps).toEqual([30_000, 2000]);
    expect(logger.at('info')).toEqual([`openai costs: GET ${PATH}: HTTP 429, waiting 30 s (until 2026-11-20T12:00:30Z) before retry 1 of 5`]);
    expect(logger.at('debug')).toContain(`openai costs: GET ${PATH}: HTTP 503, waiting 2 s (until 2026-11-20T12:00:32Z) before retry 2 of 5`);
  });

  it('logs a long backoff and a long rate-limit wait at info', async () => {
    const logger = levelledLogger();
    const { pool, http } = mockedClient({ logger, random: () => 0.999, baseDelayMs: 8000, maxRequestsPerMinute: 10 });
    pool.intercept({ path: PATH, method: 'GET' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: PATH, method: 'GET' }).reply(200, '{}');
    await http.getJson(request);
    expect(logger.at('info')).toEqual([`openai costs: GET ${PATH}: failed (socket hang up), waiting 7.992 s (until 2026-11-20T12:00:08Z) before retry 1 of 5`]);
    pool.intercept({ path: PATH, method: 'GET' }).reply(200, '{}');
    await http.getJson(request);
    // The next slot is 6 s after the retry, which went out at 12:00:07.992.
    expect(logger.at('info')[1]).toBe(`openai costs: GET ${PATH}: request rate limit of 10 per minute, waiting 6 s (until 2026-11-20T12:00:14Z) for the next request slot`);
  });
});
