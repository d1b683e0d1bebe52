// The HTTP side: a loopback server that turns each request into an IncomingCall, lets the
// handler decide, records the exchange in the request log, and writes the reply with the
// headers every provider response carries.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleCall, type HandlerParts } from './handler.js';
import { loggedQuery, readRawQuery } from './query.js';
import type { LoggedRequest } from './types.js';

/** Marks every response so the ledger can tell simulated data from real provider data. */
const ORIGIN_HEADER = 'x-usage-ledger-origin';

export interface ListenOptions {
  host: string;
  port: number;
  latencyMs: number;
  log: LoggedRequest[];
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** The headers every response carries, whatever its status. */
function commonHeaders(rate: { limit: number; remaining: number }): Record<string, string> {
  return {
    'content-type': 'application/json',
    [ORIGIN_HEADER]: 'simulator',
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
    'x-ratelimit-limit-requests': String(rate.limit),
    'x-ratelimit-remaining-requests': String(rate.remaining),
  };
}

async function respond(parts: HandlerParts, options: ListenOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://simulator.invalid');
  const raw = readRawQuery(url.searchParams);
  const handled = handleCall(parts, {
    method: request.method ?? 'GET',
    path: url.pathname,
    raw,
    authorization: request.headers.authorization,
  });
  if (options.latencyMs > 0) await sleep(options.latencyMs);
  const headers = { ...commonHeaders(handled.rate), ...handled.reply.headers };
  options.log.push({
    method: request.method ?? 'GET',
    path: url.pathname,
    endpoint: handled.endpoint,
    query: loggedQuery(raw),
    status: handled.reply.status,
    at: Date.now(),
  });
  response.writeHead(handled.reply.status, headers);
  response.end(handled.text);
}

export async function listen(parts: HandlerParts, options: ListenOptions): Promise<RunningServer> {
  const server = createServer((request, response) => {
    // GET requests carry no body; drain whatever arrives so the connection can be reused.
    request.resume();
    respond(parts, options, request, response).catch((error: unknown) => {
      // Only reached if the request itself could not be read (the handler catches its own errors).
      if (!response.headersSent) response.writeHead(500, commonHeaders({ limit: 0, remaining: 0 }));
      response.end(JSON.stringify({ error: { message: String(error), type: 'server_error', param: null, code: null } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from clients would otherwise hold the server open.
        server.closeAllConnections();
      }),
  };
}
