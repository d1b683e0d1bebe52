// A loopback server that answers each request URL with the recorded status, headers
// (x-usage-ledger-origin: simulator among them) and exact body bytes, and counts what it
// was asked. Both the tool and its floor fetch from it, so they see identical responses
// at identical cost.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedResponse } from './recording.js';

export interface ReplayServer {
  /** Origin only, e.g. http://127.0.0.1:40123; recorded URLs carry their own /v1 path. */
  origin: string;
  /** Requests answered since the last reset, and those that had no recording (answered 404). */
  readonly counts: { requests: number; unrecorded: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startReplayServer(recorded: readonly RecordedResponse[]): Promise<ReplayServer> {
  const byUrl = new Map<string, RecordedResponse>();
  for (const response of recorded) if (!byUrl.has(response.url)) byUrl.set(response.url, response);
  const counts = { requests: 0, unrecorded: 0 };
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    counts.requests += 1;
    const found = byUrl.get(incoming.url ?? '');
    if (found === undefined) {
      counts.unrecorded += 1;
      outgoing.writeHead(404, { 'content-type': 'application/json', 'x-usage-ledger-origin': 'simulator' });
      outgoing.end(JSON.stringify({ error: { message: `bench replay: nothing recorded for ${incoming.url}`, type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    outgoing.writeHead(found.status, { ...found.headers, 'content-length': String(found.body.length) });
    outgoing.end(found.body);
  });
  // Never drop an idle kept-alive connection: a client busy parsing a large page for
  // longer than Node's default 5 s would otherwise find it closed under its next request.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts,
    reset() {
      counts.requests = 0;
      counts.unrecorded = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
