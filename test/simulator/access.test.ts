// Who may ask and how often: admin-key authentication, the request rate limit, queued
// failures and added latency.

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DAY, get, NOW, TODAY } from './helpers.js';

// The simulator's latency sleep, sent through the global setTimeout so that vitest's fake
// timers (which do not reach node:timers/promises) can step through it.
vi.mock('node:timers/promises', async (original) => ({
  ...(await original<typeof import('node:timers/promises')>()),
  setTimeout: <T>(ms: number, value?: T) => new Promise<T | undefined>((resolve) => setTimeout(resolve, ms, value)),
}));

type ErrorAnswer = { error: { message: string; type: string; param: string | null; code: string | null } };

const QUERY = { start_time: TODAY - 2 * DAY, end_time: TODAY };

/**
 * Resolves as an HTTP server in this process takes a request: the channel is published just
 * before the server's own handler runs, so by the time `next()` settles the handler has
 * started whatever it does synchronously (the simulator's latency sleep included).
 */
function serverArrivals() {
  const waiting: Array<() => void> = [];
  const onStart = () => waiting.shift()?.();
  subscribe('http.server.request.start', onStart);
  return {
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
    stop: () => unsubscribe('http.server.request.start', onStart),
  };
}

describe('authentication', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('answers 401 without a key and 401 for a blank bearer', async () => {
    for (const authorization of [null, 'Bearer ', 'Bearer    ']) {
      const answer = await get<ErrorAnswer>(simulator, '/organization/usage/completions', QUERY, authorization);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', code: null });
      expect(answer.headers.get('x-usage-ledger-origin')).toBe('simulator');
    }
    expect(simulator.requestLog.map((entry) => entry.status)).toEqual([401, 401, 401]);
  });

  it('answers 403 for a key that is not an admin key, naming the missing scope', async () => {
    const answer = await get<ErrorAnswer>(simulator, '/organization/costs', QUERY, 'Bearer sk-proj-abc123');
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('api.usage.read');
  });
});

describe('failNext', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('fails the next requests with the status and Retry-After given, then recovers', async () => {
    simulator.failNext(2, 429, { retryAfter: '3' });
    const first = await get<ErrorAnswer>(simulator, '/organization/usage/completions', QUERY);
    const second = await get<ErrorAnswer>(simulator, '/organization/costs', QUERY);
    const third = await get(simulator, '/organization/usage/completions', QUERY);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(third.headers.get('retry-after')).toBeNull();
  });

  it('fails only the endpoint named, after letting the number asked for through', async () => {
    simulator.failNext(1, 503, { endpoint: 'completions', after: 1 });
    const statuses: number[] = [];
    for (const path of ['/organization/costs', '/organization/usage/completions', '/organization/usage/embeddings', '/organization/usage/completions', '/organization/usage/completions']) {
      statuses.push((await get(simulator, path, QUERY)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 503, 200]);
    const failed = simulator.requestLog[3]!;
    expect(failed).toMatchObject({ endpoint: 'completions', status: 503 });
    const answer = await get<ErrorAnswer>(simulator, '/organization/usage/completions', QUERY);
    expect(answer.status).toBe(200);
    simulator.failNext(1, 500);
    const error = await get<ErrorAnswer>(simulator, '/organization/usage/completions', QUERY);
    expect(error.body.error.type).toBe('server_error');
  });
});

describe('request rate limit and latency', () => {
  it('answers 429 with Retry-After once the per-minute budget is spent, and reports the budget', async () => {
    const simulator = await startSimulator({ now: () => NOW, maxRequestsPerMinute: 3 });
    try {
      const answers = [];
      for (let index = 0; index < 4; index += 1) answers.push(await get(simulator, '/organization/usage/moderations', QUERY));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((answer) => answer.headers.get('x-ratelimit-limit-requests'))).toEqual(['3', '3', '3', '3']);
      expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining-requests'))).toEqual(['2', '1', '0', '0']);
      const retryAfter = Number(answers[3]!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    } finally {
      await simulator.close();
    }
  });

  it('without a configured limit reports the same full budget on every response', async () => {
    const simulator = await startSimulator({ now: () => NOW });
    try {
      for (let index = 0; index < 3; index += 1) {
        const answer = await get(simulator, '/organization/usage/moderations', QUERY);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-ratelimit-limit-requests')).toBe(answer.headers.get('x-ratelimit-remaining-requests'));
      }
    } finally {
      await simulator.close();
    }
  });

  it('delays every response by latencyMs, errors included', async () => {
    const simulator = await startSimulator({ now: () => NOW, latencyMs: 120 });
    const arrivals = serverArrivals();
    try {
      // The simulator sleeps on the real timers; faked, the delay is stepped through exactly.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      for (const [index, authorization] of [undefined, null].entries()) {
        const arrived = arrivals.next();
        const answer = get(simulator, '/organization/usage/moderations', QUERY, authorization);
        await arrived;
        await vi.advanceTimersByTimeAsync(119);
        expect(simulator.requestLog, 'answered before latencyMs').toHaveLength(index);
        await vi.advanceTimersByTimeAsync(1);
        expect(simulator.requestLog, 'still held at latencyMs').toHaveLength(index + 1);
        expect((await answer).status).toBe(authorization === null ? 401 : 200);
      }
    } finally {
      vi.useRealTimers();
      arrivals.stop();
      await simulator.close();
    }
  });
});
