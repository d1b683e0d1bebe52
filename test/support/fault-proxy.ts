// A loopback proxy that injects the transport and body faults a simulator scenario cannot:
// an answer that never comes, one that stalls or drips mid-body, a body cut short, emptied
// or reshaped, or a canned error. Everything else is passed through unchanged. It also
// records every request body, so a test can scan what was sent (to GitHub, say).

import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer this instead of asking upstream. */
  | { kind: 'reply'; status: number; body: string; headers?: Record<string, string> }
  /** Accept the request and say nothing, ever. */
  | { kind: 'never-answer' }
  /** Upstream's status, headers and first half of its body, then silence with the socket open. */
  | { kind: 'stall-mid-body' }
  /** Upstream's answer one byte every `everyMs`: never a gap long enough to look idle. */
  | { kind: 'drip'; everyMs: number }
  /** Upstream's status and headers with the body rewritten (cut short, emptied, fields changed). */
  | { kind: 'rewrite'; body: (upstream: string) => string };

export interface ProxiedRequest {
  method: string;
  /** Path and query as received, percent-decoded. */
  path: string;
  body: string;
}

export interface FaultProxy {
  /** The upstream base URL with this proxy's host and port. */
  url: string;
  /** Every request seen, in arrival order. */
  requests: ProxiedRequest[];
  /** Requests that got a fault. */
  faulted(): number;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function askUpstream(base: URL, incoming: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const forwarded = request(
      { host: base.hostname, port: base.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
        reply.on('error', reject);
      },
    );
    forwarded.on('error', reject);
    forwarded.end(body);
  });
}

/** Upstream's headers for a body of `length` bytes, sent with a length rather than chunked. */
function headersFor(upstream: Upstream, length: number): IncomingHttpHeaders {
  const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, ...rest } = upstream.headers;
  return { ...rest, 'content-length': String(length) };
}

export async function startFaultProxy(upstreamBaseUrl: string, faultFor: (request: { method: string; path: string }) => Fault | undefined = () => undefined): Promise<FaultProxy> {
  const base = new URL(upstreamBaseUrl);
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let faulted = 0;

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = incoming.method ?? 'GET';
    const seen = { method, path: decodeURIComponent(incoming.url ?? '/'), body: body.toString('utf8') };
    requests.push(seen);
    const fault = faultFor(seen);
    if (fault !== undefined) faulted += 1;
    if (fault?.kind === 'never-answer') return;
    if (fault?.kind === 'reply') {
      outgoing.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body);
      return;
    }
    const upstream = await askUpstream(base, incoming, body);
    if (fault === undefined) {
      outgoing.writeHead(upstream.status, headersFor(upstream, upstream.body.length)).end(upstream.body);
    } else if (fault.kind === 'rewrite') {
      const rewritten = Buffer.from(fault.body(upstream.body.toString('utf8')), 'utf8');
      outgoing.writeHead(upstream.status, headersFor(upstream, rewritten.length)).end(rewritten);
    } else if (fault.kind === 'stall-mid-body') {
      outgoing.writeHead(upstream.status, headersFor(upstream, upstream.body.length));
      outgoing.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
    } else {
      outgoing.writeHead(upstream.status, headersFor(upstream, upstream.body.length));
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < upstream.body.length) outgoing.write(upstream.body.subarray(sent, ++sent));
        else outgoing.end();
      }, fault.everyMs);
      timers.add(timer);
      outgoing.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    }
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`fault proxy: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`,
    requests,
    faulted: () => faulted,
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
