// Total deadlines on real loopback sockets: a server that drips its body a byte at a time
// or stalls after the headers is cut off at the deadline, not when it pleases. The client
// times its deadlines with performance.now() and setTimeout, which are faked here: the test
// moves time itself and drips the bytes, and proves the request is still alive just before
// the deadline by the client reading a byte then.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BodyReader } from '../../../src/adapters/http/client.js';
import { createHttpClient, type HttpClient } from '../../../src/adapters/http/client.js';
import { DeadlineExceededError, HttpError } from '../../../src/adapters/http/errors.js';
import { startRunDeadline } from '../../../src/adapters/http/deadlines.js';
import { createFakeClock } from '../support/fake-clock.js';
import { caught } from '../support/mock-http.js';

const servers: Server[] = [];
const clients: HttpClient[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Values pushed by one side, taken in order by the other: a take waits for its value. */
function queue<T>() {
  const values: T[] = [];
  const takers: Array<(value: T) => void> = [];
  return {
    push(value: T) {
      const taker = takers.shift();
      if (taker === undefined) values.push(value);
      else taker(value);
    },
    take: (): Promise<T> => (values.length > 0 ? Promise.resolve(values.shift() as T) : new Promise<T>((resolve) => takers.push(resolve))),
  };
}

interface Arrival {
  request: IncomingMessage;
  response: ServerResponse;
}

/** A server that answers nothing by itself: each request is handed to the test to answer, or not. */
async function serve() {
  const arrivals = queue<Arrival>();
  let count = 0;
  const server = createServer((request, response) => {
    count += 1;
    arrivals.push({ request, response });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/organization/usage/completions`);
  return { url, arrival: arrivals.take, requests: () => count };
}

/** Headers and the first byte of a body that never ends. */
function startDrip(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{');
}

/** Readers that report when they are opened (the headers are in) and every chunk they get. */
function watchedReaders() {
  const opened = queue<void>();
  const chunks = queue<string>();
  const open = (): BodyReader<string> => {
    opened.push();
    const text: string[] = [];
    return {
      write(chunk) {
        const piece = Buffer.from(chunk).toString('utf8');
        text.push(piece);
        chunks.push(piece);
      },
      end: () => text.join(''),
    };
  };
  return { open, opened: opened.take, chunk: chunks.take };
}

/** A request under way: its error once it fails, and whether it has ended yet. */
function underway(promise: Promise<unknown>) {
  const error = caught(promise);
  return { error, ended: error.then(() => 'ended' as const) };
}

/**
 * Moves time on by `ms`, sends one more byte, and expects the client to read it: a request
 * cut off during those `ms` would end instead.
 */
async function dripAfter(ms: number, response: ServerResponse, readers: ReturnType<typeof watchedReaders>, request: ReturnType<typeof underway>) {
  await vi.advanceTimersByTimeAsync(ms);
  const read = readers.chunk().then(() => 'read' as const);
  response.write(' ');
  expect(await Promise.race([read, request.ended]), `still reading at ${performance.now()} ms`).toBe('read');
}

function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const http = createHttpClient({ clock: createFakeClock(), secrets: [], random: () => 0, ...options });
  clients.push(http);
  return http;
}

describe('http client: total request deadline', () => {
  it('cuts off a body that drips one byte at a time at the request timeout, without retrying', async () => {
    const server = await serve();
    const http = client({ requestTimeoutMs: 1000 });
    const readers = watchedReaders();
    const request = underway(http.getStreamed({ url: server.url, headers: {}, label: 'openai completions' }, readers.open));
    const { response } = await server.arrival();
    startDrip(response);
    await readers.chunk();
    // A byte every 100 ms: never a gap the body timeout would notice.
    for (let step = 0; step < 9; step += 1) await dripAfter(100, response, readers, request);
    await dripAfter(99, response, readers, request);
    await vi.advanceTimersByTimeAsync(1);
    const error = await request.error;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ deadline: 'request', timeoutMs: 1000 });
    expect(error.message).toBe(
      'openai completions: GET /v1/organization/usage/completions: no complete response within the request timeout of 1 s (--request-timeout); attempt 1 was cut off while reading the body',
    );
    expect(server.requests()).toBe(1);
    expect(http.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('cuts off a server that sends its headers and then nothing', async () => {
    const server = await serve();
    const http = client({ requestTimeoutMs: 800 });
    const readers = watchedReaders();
    const request = underway(http.getStreamed({ url: server.url, headers: {}, label: 'openai completions' }, readers.open));
    const { response } = await server.arrival();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    await readers.opened();
    await vi.advanceTimersByTimeAsync(800);
    const error = await request.error;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/request timeout of 0\.8 s \(--request-timeout\); attempt 1 was cut off while reading the body$/);
  });

  it('cuts off a server that never answers even when the headers timeout is longer', async () => {
    const server = await serve();
    const http = client({ requestTimeoutMs: 600, headersTimeoutMs: 30_000 });
    const request = underway(http.getJson({ url: server.url, headers: {}, label: 'openai completions' }));
    await server.arrival();
    await vi.advanceTimersByTimeAsync(600);
    const error = await request.error;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/attempt 1 was cut off while waiting for the response$/);
  });

  it('counts the time earlier attempts took: a drip after a failed attempt ends at the same deadline', async () => {
    const server = await serve();
    const http = client({ requestTimeoutMs: 1200 });
    const readers = watchedReaders();
    const request = underway(http.getStreamed({ url: server.url, headers: {}, label: 'loopback' }, readers.open));
    // A slow failure first, then the drip: the second attempt gets only what is left.
    const first = await server.arrival();
    await vi.advanceTimersByTimeAsync(500);
    first.response.writeHead(503).end('busy');
    const { response } = await server.arrival();
    startDrip(response);
    await readers.chunk();
    await dripAfter(350, response, readers, request);
    await dripAfter(349, response, readers, request);
    await vi.advanceTimersByTimeAsync(1);
    const error = await request.error;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toMatch(/attempt 2 was cut off while reading the body$/);
    expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
  });
});

describe('http client: run deadline', () => {
  it('cuts off a request in flight when the run deadline passes first', async () => {
    const server = await serve();
    const http = client({ requestTimeoutMs: 60_000, runDeadline: startRunDeadline(500) });
    const readers = watchedReaders();
    const request = underway(http.getStreamed({ url: server.url, headers: {}, label: 'openai completions' }, readers.open));
    const { response } = await server.arrival();
    startDrip(response);
    await readers.chunk();
    await dripAfter(250, response, readers, request);
    await dripAfter(249, response, readers, request);
    await vi.advanceTimersByTimeAsync(1);
    const error = await request.error;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ deadline: 'run', timeoutMs: 500 });
    expect(error.message).toBe(
      'openai completions: GET /v1/organization/usage/completions: the run timeout of 0.5 s (--run-timeout) passed while attempt 1 was reading the body',
    );
  });

  it('starts no request once the run deadline has passed', async () => {
    const server = await serve();
    const runDeadline = startRunDeadline(200);
    vi.advanceTimersByTime(200);
    const http = client({ runDeadline });
    const error = await caught(http.getJson({ url: server.url, headers: {}, label: 'openai costs' }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toBe('openai costs: GET /v1/organization/usage/completions: the run timeout of 0.2 s (--run-timeout) passed before the request could start');
    expect(server.requests()).toBe(0);
    expect(http.stats.requests).toBe(0);
  });
});
