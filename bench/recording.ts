// Recorded provider responses: what the simulator answered to each request URL, kept as
// exact bytes with their status and headers, so the replay server can serve them and
// neither the measured tool nor its floor pays for generating synthetic data.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';

export interface RecordedResponse {
  /** Path and query exactly as the client sent them, e.g. /v1/organization/usage/completions?... */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers about one connection or message rather than the response itself. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/** GETs `url` (path and query) from `origin` and keeps the answer as it came. */
export async function fetchRecorded(origin: string, url: string, headers: Record<string, string>): Promise<RecordedResponse> {
  const answer = await request(new URL(url, origin), { method: 'GET', headers });
  const body = Buffer.from(await answer.body.arrayBuffer());
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_HEADERS.has(name.toLowerCase())) continue;
    kept[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { url, status: answer.statusCode, headers: kept, body };
}

export interface RecordingProxy {
  /** Base URL with the target's path (…/v1), to hand to a client in place of the target's. */
  url: string;
  responses: RecordedResponse[];
  close(): Promise<void>;
}

/** Loopback proxy in front of `targetUrl` that keeps every exchange, in order. */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const responses: RecordedResponse[] = [];
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    const headers: Record<string, string> = {};
    for (const name of ['accept', 'authorization']) {
      const value = incoming.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    fetchRecorded(target.origin, incoming.url ?? '/', headers).then(
      (response) => {
        responses.push(response);
        outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
        outgoing.end(response.body);
      },
      (error: unknown) => {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { message: `recording proxy: ${String(error)}` } }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`,
    responses,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface IndexEntry {
  url: string;
  status: number;
  headers: Record<string, string>;
  file: string;
}

/** Writes a recording as index.json plus one body file per response. */
export async function saveRecording(dir: string, responses: readonly RecordedResponse[]): Promise<void> {
  await mkdir(path.join(dir, 'bodies'), { recursive: true });
  const index: IndexEntry[] = [];
  for (const [number, response] of responses.entries()) {
    const file = `bodies/${String(number).padStart(4, '0')}.json`;
    await writeFile(path.join(dir, file), response.body);
    index.push({ url: response.url, status: response.status, headers: response.headers, file });
  }
  await writeFile(path.join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
}

/** Reads a recording back, in the order the requests were made. */
export async function loadRecording(dir: string): Promise<RecordedResponse[]> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as IndexEntry[];
  const responses: RecordedResponse[] = [];
  for (const entry of index) {
    responses.push({ url: entry.url, status: entry.status, headers: entry.headers, body: await readFile(path.join(dir, entry.file)) });
  }
  return responses;
}
