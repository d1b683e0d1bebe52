// A loopback server standing in for the OpenAI usage API: each test supplies a handler
// that answers from the request's path and query, and every request is recorded.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is, so tests can write exact number literals. */
  body: string | object;
}

export type FakeHandler = (request: SeenRequest) => FakeReply;

export async function startFakeOpenAi(handler: FakeHandler) {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen = { path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(seen);
    let reply: FakeReply;
    try {
      reply = handler(seen);
    } catch (error) {
      reply = { status: 500, body: { error: { message: String(error) } } };
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const DAY = 86_400;

/** Unix seconds of a date's UTC midnight. */
export function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

export interface FakeBucket {
  start_time: number;
  end_time: number;
  results: object[];
}

export function bucket(date: string, results: object[]): FakeBucket {
  const start = midnight(date);
  return { object: 'bucket', start_time: start, end_time: start + DAY, results } as FakeBucket;
}

export function page(data: object[], nextPage: string | null = null): object {
  return { object: 'page', data, has_more: nextPage !== null, next_page: nextPage };
}

/** Every day of the request's range as a bucket, filled by `results` (empty by default). */
export function bucketsForQuery(query: URLSearchParams, results: (date: string) => object[] = () => []): FakeBucket[] {
  const start = Number(query.get('start_time'));
  const end = Number(query.get('end_time'));
  const buckets: FakeBucket[] = [];
  for (let at = start; at < end; at += DAY) {
    const date = new Date(at * 1000).toISOString().slice(0, 10);
    buckets.push(bucket(date, results(date)));
  }
  return buckets;
}

export function completions(fields: Record<string, unknown> = {}): object {
  return { object: 'organization.usage.completions.result', input_tokens: 10, output_tokens: 5, num_model_requests: 1, ...fields };
}

export function endpointOf(path: string): string {
  return path.replace(/^\/v1\/organization\/(usage\/)?/, '');
}
