// Total deadlines on real loopback sockets: a server that drips its body a byte at a time
// or stalls after the headers is cut off near the deadline, not when it pleases.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, DeadlineExceededError, HttpError, startRunDeadline, type HttpClient } from '../../../src/adapters/http/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { caught } from '../support/mock-http.js';

const servers: Server[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<URL> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/organization/usage/completions`);
}

/** Headers at once, then one byte every `everyMs`: never a gap long enough for the body timeout. */
function dripping(everyMs: number) {
  let requests = 0;
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{');
    const timer = setInterval(() => response.write(' '), everyMs);
    request.socket.on('close', () => clearInterval(timer));
  };
  return { handler, requests: () => requests };
}

function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const http = createHttpClient({ clock: createFakeClock(), secrets: [], random: () => 0, ...options });
  clients.push(http);
  return http;
}

async function timed<T>(promise: Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await promise;
  return { result, elapsedMs: performance.now() - started };
}

describe('http client: total request deadline', () => {
  it('cuts off a body that drips one byte at a time at the request timeout, without retrying', async () => {
    const server = dripping(100);
    const url = await serve(server.handler);
    const http = client({ requestTimeoutMs: 1000 });
    const { result: error, elapsedMs } = await timed(caught(http.getJson({ url, headers: {}, label: 'openai completions' })));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ deadline: 'request', timeoutMs: 1000 });
    expect(error.message).toBe(
      'openai completions: GET /v1/organization/usage/completions: no complete response within the request timeout of 1 s (--request-timeout); attempt 1 was cut off while reading the body',
    );
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(3000);
    expect(server.requests()).toBe(1);
    expect(http.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('cuts off a server that sends its headers and then nothing', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
    });
    const http = client({ requestTimeoutMs: 800 });
    const { result: error, elapsedMs } = await timed(caught(http.getJson({ url, headers: {}, label: 'openai completions' })));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/request timeout of 0\.8 s \(--request-timeout\); attempt 1 was cut off while reading the body$/);
    expect(elapsedMs).toBeLessThan(2400);
  });

  it('cuts off a server that never answers even when the headers timeout is longer', async () => {
    const url = await serve(() => {});
    const http = client({ requestTimeoutMs: 600, headersTimeoutMs: 30_000 });
    const { result: error, elapsedMs } = await timed(caught(http.getJson({ url, headers: {}, label: 'openai completions' })));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/attempt 1 was cut off while waiting for the response$/);
    expect(elapsedMs).toBeLessThan(1800);
  });

  it('counts the time earlier attempts took: a drip after a failed attempt ends at the same deadline', async () => {
    let calls = 0;
    const drip = dripping(100);
    const url = await serve((request, response) => {
      calls += 1;
      if (calls === 1) {
        // A slow failure first, then the drip: the second attempt gets only what is left.
        setTimeout(() => response.writeHead(503).end('busy'), 500);
        return;
      }
      drip.handler(request, response);
    });
    const http = client({ requestTimeoutMs: 1200 });
    const { result: error, elapsedMs } = await timed(caught(http.getJson({ url, headers: {}, label: 'loopback' })));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/attempt 2 was cut off while reading the body$/);
    expect(elapsedMs).toBeLessThan(2400);
    expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
  });
});

describe('http client: run deadline', () => {
  it('cuts off a request in flight when the run deadline passes first', async () => {
    const url = await serve(dripping(50).handler);
    const http = client({ requestTimeoutMs: 60_000, runDeadline: startRunDeadline(500) });
    const { result: error, elapsedMs } = await timed(caught(http.getJson({ url, headers: {}, label: 'openai completions' })));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ deadline: 'run', timeoutMs: 500 });
    expect(error.message).toBe(
      'openai completions: GET /v1/organization/usage/completions: the run timeout of 0.5 s (--run-timeout) passed while attempt 1 was reading the body',
    );
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('starts no request once the run deadline has passed', async () => {
    const server = dripping(50);
    const url = await serve(server.handler);
    const runDeadline = startRunDeadline(200);
    await sleep(250);
    const http = client({ runDeadline });
    const error = await caught(http.getJson({ url, headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toBe('openai costs: GET /v1/organization/usage/completions: the run timeout of 0.2 s (--run-timeout) passed before the request could start');
    expect(server.requests()).toBe(0);
    expect(http.stats.requests).toBe(0);
  });
});
