import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExactNumber } from '../../../src/lib/json/json.js';
import { AuthError, ClientError, HttpError, RetriesExhaustedError } from '../../../src/adapters/http/errors.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { createFakeClock } from '../support/fake-clock.js';
import { caught, closeMockAgents, costsUrl, mockedClient } from '../support/mock-http.js';

afterEach(closeMockAgents);

describe('http client: retries', () => {
  it('honours Retry-After in seconds', async () => {
    const { pool, http, clock } = mockedClient();
    const scope = pool.intercept({ path: '/v1/organization/costs', method: 'GET' });
    scope.reply(429, '{"error":{"message":"slow down"}}', { headers: { 'retry-after': '2' } });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{"ok":true}');
    const response = await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(response.body).toEqual({ ok: true });
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
    expect(http.stats.rateLimitHeaders[0]).toEqual({ label: 'openai costs', status: 429, headers: { 'retry-after': '2' } });
  });

  it('honours Retry-After as an HTTP date measured against the clock', async () => {
    const { pool, http, clock } = mockedClient();
    const at = new Date(clock.now().getTime() + 7000).toUTCString();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(503, 'busy', { headers: { 'retry-after': at } });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}');
    await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(clock.sleeps).toEqual([7000]);
  });

  it('backs off with bounded full jitter and gives up with the attempt count', async () => {
    const { pool, http, clock } = mockedClient({ random: () => 0.999, baseDelayMs: 500, maxDelayMs: 3000 });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(502, 'bad gateway').times(6);
    const error = await caught(http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.attempts).toBe(6);
    expect(exhausted.lastStatus).toBe(502);
    expect(exhausted.rateLimited).toBe(false);
    expect(exhausted.message).toMatch(/openai costs: GET \/v1\/organization\/costs gave up after 6 attempts/);
    // Ceilings 500, 1000, 2000, then capped at 3000; jitter takes 99.9% of each.
    expect(clock.sleeps).toEqual([499, 999, 1998, 2997, 2997]);
    expect(http.stats).toMatchObject({ requests: 6, retries: 5 });
  });

  it('reports an exhausted 429 as rate limited', async () => {
    const { pool, http } = mockedClient({ maxRetries: 2, random: () => 0 });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(429, '{}').times(3);
    const error = (await caught(http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' }))) as RetriesExhaustedError;
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.rateLimited).toBe(true);
    expect(error.lastStatus).toBe(429);
    expect(error.attempts).toBe(3);
  });

  it('cuts a very long Retry-After to maxRetryAfterMs', async () => {
    const { pool, http, clock } = mockedClient({ maxRetryAfterMs: 60_000 });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(429, '{}', { headers: { 'retry-after': '86400' } });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}');
    await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(clock.sleeps).toEqual([60_000]);
  });

  it.each([
    [400, ClientError],
    [404, ClientError],
    [401, AuthError],
    [403, AuthError],
  ])('does not retry %i', async (status, type) => {
    const { pool, http, clock } = mockedClient();
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .reply(status, '{"error":{"message":"not allowed here","type":"invalid_request_error"}}');
    const error = await caught(http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(type);
    expect((error as ClientError | AuthError).status).toBe(status);
    expect((error as ClientError | AuthError).providerMessage).toBe('not allowed here');
    expect(error.message).toContain('not allowed here');
    expect(http.stats.requests).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a network error and then succeeds', async () => {
    const { pool, http, clock } = mockedClient({ random: () => 0.5 });
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{"ok":1}');
    const response = await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(response.body).toEqual({ ok: 1 });
    expect(clock.sleeps).toEqual([250]);
    expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  it('does not retry a failure no later attempt can fix', async () => {
    const { pool, http } = mockedClient();
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND api.example.test'), { code: 'ENOTFOUND' }));
    const error = await caught(http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(RetriesExhaustedError);
    expect(http.stats.requests).toBe(1);
  });
});

describe('http client: real sockets on loopback', () => {
  const servers: Array<ReturnType<typeof createServer>> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('retries a connection the server drops, then reads the answer', async () => {
    let calls = 0;
    const base = await serve((req, res) => {
      calls += 1;
      if (calls === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"value": 1.50}');
    });
    const http = createHttpClient({ clock: createFakeClock(), secrets: [], random: () => 0 });
    try {
      const response = await http.getJson({ url: new URL(`${base}/x`), headers: {}, label: 'loopback' });
      expect((response.body as { value: ExactNumber }).value.literal).toBe('1.50');
      expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
    } finally {
      await http.close();
    }
  });

  it('times out a server that never answers and gives up without a status', async () => {
    const base = await serve(() => {
      // Never respond: the headers timeout must fire.
    });
    const http = createHttpClient({ clock: createFakeClock(), secrets: [], headersTimeoutMs: 100, maxRetries: 1, random: () => 0 });
    try {
      const error = (await caught(http.getJson({ url: new URL(`${base}/slow`), headers: {}, label: 'loopback' }))) as RetriesExhaustedError;
      expect(error).toBeInstanceOf(RetriesExhaustedError);
      expect(error.lastStatus).toBeUndefined();
      expect(error.attempts).toBe(2);
      expect(error.rateLimited).toBe(false);
    } finally {
      await http.close();
    }
  });
});

