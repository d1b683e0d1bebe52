// A loopback stand-in for a provider gateway: forwards every request to the simulator,
// except those a test chooses to answer itself (an error body echoing part of a key, say).

import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CannedReply {
  status: number;
  body: string;
}

export interface ProviderProxy {
  /** The base URL to pass as --openai-base-url (with the simulator's /v1 path). */
  url: string;
  close(): Promise<void>;
}

/** `answer`: a reply for the requests to intercept (given path and query), undefined to forward. */
export async function startProviderProxy(upstreamBaseUrl: string, answer: (pathAndQuery: string) => CannedReply | undefined): Promise<ProviderProxy> {
  const upstream = new URL(upstreamBaseUrl);
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    const target = incoming.url ?? '/';
    const canned = answer(decodeURIComponent(target));
    if (canned) {
      outgoing.writeHead(canned.status, { 'content-type': 'application/json' }).end(canned.body);
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, path: target, method: incoming.method, headers: incoming.headers },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => outgoing.writeHead(502).end(String(error)));
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
