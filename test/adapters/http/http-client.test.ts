import { afterEach, describe, expect, it } from 'vitest';
import { ExactNumber } from '../../../src/lib/json/json.js';
import { AuthError, HttpError, InvalidResponseError, RetriesExhaustedError } from '../../../src/adapters/http/errors.js';
import { createFakeClock } from '../support/fake-clock.js';
import { caught, closeMockAgents, costsUrl, mockedClient, SECRET } from '../support/mock-http.js';

afterEach(closeMockAgents);

describe('http client: responses', () => {
  it('parses bodies exactly, reports origin provider and counts the request', async () => {
    const { pool, http } = mockedClient();
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .reply(200, '{"amount": 0.30000000000000004, "n": 3}', { headers: { 'content-type': 'application/json' } });
    const response = await http.getJson({ url: costsUrl(), headers: { authorization: `Bearer ${SECRET}` }, label: 'openai costs' });
    expect(response.status).toBe(200);
    expect(response.origin).toBe('provider');
    const body = response.body as { amount: ExactNumber; n: number };
    expect(body.amount).toBeInstanceOf(ExactNumber);
    expect(body.amount.literal).toBe('0.30000000000000004');
    expect(body.n).toBe(3);
    expect(http.stats).toMatchObject({ requests: 1, retries: 0, byLabel: { 'openai costs': 1 } });
  });

  it('marks responses carrying the simulator header as simulated', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}', {
      headers: { 'x-usage-ledger-origin': 'simulator' },
    });
    const response = await http.getJson({ url: costsUrl(), headers: {}, label: 'sim' });
    expect(response.origin).toBe('simulator');
  });

  it('keeps only rate-limit headers, and only the most recent 50 sets', async () => {
    const { pool, http } = mockedClient();
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .reply(200, '{}', { headers: { 'x-ratelimit-remaining-requests': '99', 'x-request-id': 'req_1', 'set-cookie': 'a=b' } })
      .times(55);
    for (let index = 0; index < 55; index += 1) await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(http.stats.rateLimitHeaders).toHaveLength(50);
    expect(http.stats.rateLimitHeaders[0]).toEqual({
      label: 'openai costs',
      status: 200,
      headers: { 'x-ratelimit-remaining-requests': '99' },
    });
    expect(http.stats.requests).toBe(55);
  });

  it('throws InvalidResponseError for a successful status whose body is not JSON, without retrying', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '<html>gateway</html>');
    const error = await caught(http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain('openai costs');
    expect(error.message).toContain('/v1/organization/costs');
    expect(http.stats.requests).toBe(1);
  });
});

describe('http client: rate limit', () => {
  it('spaces requests evenly through the clock', async () => {
    const { pool, http, clock } = mockedClient({ maxRequestsPerMinute: 60 });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}').times(4);
    for (let index = 0; index < 4; index += 1) await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('keeps spacing constant when the clock is pinned and does not move', async () => {
    const clock = createFakeClock('2026-11-20T00:00:00Z', { frozen: true });
    const { pool, http } = mockedClient({ clock, maxRequestsPerMinute: 120 });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}').times(4);
    for (let index = 0; index < 4; index += 1) await http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' });
    expect(clock.sleeps).toEqual([500, 500, 500]);
  });

  it('queues concurrent callers one interval apart', async () => {
    // Pinned time stands for callers that all arrive at the same moment.
    const clock = createFakeClock('2026-11-20T00:00:00Z', { frozen: true });
    const { pool, http } = mockedClient({ maxRequestsPerMinute: 30, clock });
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}').times(3);
    await Promise.all([0, 1, 2].map(() => http.getJson({ url: costsUrl(), headers: {}, label: 'openai costs' })));
    expect(clock.sleeps).toEqual([2000, 4000]);
  });
});

describe('http client: secrets', () => {
  it('redacts a key the provider echoes back in an error body', async () => {
    const { pool, http, logger } = mockedClient();
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .reply(401, JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}.` } }));
    const error = (await caught(
      http.getJson({ url: costsUrl(), headers: { authorization: `Bearer ${SECRET}` }, label: 'openai costs' }),
    )) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('Incorrect API key provided: ***.');
    expect(error.message).not.toContain(SECRET);
    expect(error.providerMessage).not.toContain(SECRET);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
  });

  it('redacts secrets from retried failures and from every log line', async () => {
    const { pool, http, logger } = mockedClient({ maxRetries: 1, random: () => 0 });
    pool
      .intercept({ path: '/v1/organization/costs', method: 'GET' })
      .reply(500, `upstream said: bad key ${SECRET}`)
      .times(2);
    const error = await caught(http.getJson({ url: costsUrl(), headers: { authorization: `Bearer ${SECRET}` }, label: 'openai costs' }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toContain('bad key ***');
    expect(error.message).not.toContain(SECRET);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
  });

  it('names the path but never the query in messages', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: (path) => path.startsWith('/v1/organization/costs'), method: 'GET' }).reply(400, '{}');
    const error = await caught(
      http.getJson({ url: costsUrl('/v1/organization/costs?page=cursor_secret_like'), headers: {}, label: 'openai costs' }),
    );
    expect(error.message).toContain('/v1/organization/costs');
    expect(error.message).not.toContain('cursor_secret_like');
  });
});
