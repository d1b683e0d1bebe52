import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BodyReader } from '../../../src/adapters/http/client.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { InvalidResponseError } from '../../../src/adapters/http/errors.js';
import { createFakeClock } from '../support/fake-clock.js';
import { caught, closeMockAgents, costsUrl, mockedClient } from '../support/mock-http.js';

const servers: Server[] = [];
afterEach(async () => {
  await closeMockAgents();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** Collects the chunks one attempt hands over, and says how many readers were opened. */
function collecting() {
  const opened: string[][] = [];
  const open = (): BodyReader<string> => {
    const chunks: string[] = [];
    opened.push(chunks);
    return {
      write: (chunk) => void chunks.push(Buffer.from(chunk).toString('utf8')),
      end: () => chunks.join(''),
    };
  };
  return { opened, open };
}

describe('http client: streamed bodies', () => {
  it('hands a successful body to the reader and returns what it makes of it', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{"data":[1,2]}', { headers: { 'x-usage-ledger-origin': 'simulator' } });
    const { opened, open } = collecting();
    const response = await http.getStreamed({ url: costsUrl(), headers: {}, label: 'openai costs' }, open);
    expect(response).toMatchObject({ status: 200, body: '{"data":[1,2]}', origin: 'simulator' });
    expect(opened).toHaveLength(1);
  });

  it('reports a reader\'s SyntaxError as a body that is not JSON, after recording the response', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '<html>', { headers: { 'x-ratelimit-remaining-requests': '9' } });
    const reader = (): BodyReader<never> => ({
      write: () => {
        throw new SyntaxError('not JSON');
      },
      end: () => {
        throw new Error('unreachable');
      },
    });
    const error = await caught(http.getStreamed({ url: costsUrl(), headers: {}, label: 'openai costs' }, reader));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('with a body that is not JSON');
    expect(http.stats.requests).toBe(1);
    expect(http.stats.rateLimitHeaders).toEqual([{ label: 'openai costs', status: 200, headers: { 'x-ratelimit-remaining-requests': '9' } }]);
  });

  it('passes on anything else a reader throws, without retrying', async () => {
    const { pool, http } = mockedClient();
    pool.intercept({ path: '/v1/organization/costs', method: 'GET' }).reply(200, '{}');
    const failure = new RangeError('the reader broke');
    const reader = (): BodyReader<never> => ({
      write: () => undefined,
      end: () => {
        throw failure;
      },
    });
    expect(await caught(http.getStreamed({ url: costsUrl(), headers: {}, label: 'openai costs' }, reader))).toBe(failure);
    expect(http.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('retries a body cut off midway with a fresh reader', async () => {
    let calls = 0;
    let firstSocket: Socket | undefined;
    const server = createServer((_request, response) => {
      calls += 1;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '20' });
      if (calls === 1) {
        // Half the body; the connection is dropped once the client has read it (below).
        firstSocket = response.socket ?? undefined;
        response.write('{"data":[1,');
        return;
      }
      response.end('{"data":[1,2,3,4,5]}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createHttpClient({ clock: createFakeClock(), secrets: [], random: () => 0 });
    const { opened, open } = collecting();
    const dropAfterFirstChunk = (): BodyReader<string> => {
      const reader = open();
      if (opened.length > 1) return reader;
      return {
        write: (chunk) => {
          reader.write(chunk);
          firstSocket?.destroy();
        },
        end: () => reader.end(),
      };
    };
    try {
      const response = await http.getStreamed({ url: new URL(`${base}/x`), headers: {}, label: 'loopback' }, dropAfterFirstChunk);
      expect(response.body).toBe('{"data":[1,2,3,4,5]}');
      expect(opened.map((chunks) => chunks.join(''))).toEqual(['{"data":[1,', '{"data":[1,2,3,4,5]}']);
      expect(http.stats).toMatchObject({ requests: 2, retries: 1 });
    } finally {
      await http.close();
    }
  });
});
