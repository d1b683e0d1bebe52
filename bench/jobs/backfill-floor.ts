// The floor a backfill is compared with: the same work any implementation must do, and
// nothing else. It fetches the same recorded pages, one after another like the tool, with
// the same client (undici `request`), parses each with the same exact-number JSON parser,
// then writes the same snapshot bytes the tool wrote. The snapshots are read into memory
// before the clock starts, so reading them is not counted.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { parseJsonExact } from '../../src/lib/json/json.js';
import { listFiles } from '../files.js';
import { BENCH_ENV } from '../in-process-backfill.js';

export interface FloorParams {
  /** Replay server origin; the URLs below carry their own path. */
  origin: string;
  /** Path and query of every request, in the order the tool made them. */
  urls: string[];
  /** The audit directory a tool run wrote; its snapshots/ are copied. */
  fromAuditDir: string;
  /** A fresh directory to write into. */
  outDir: string;
}

export interface FloorResult {
  wallMs: number;
  requests: number;
  filesWritten: number;
  bytesWritten: number;
}

export async function backfillFloor(params: FloorParams): Promise<FloorResult> {
  const snapshotsDir = path.join(params.fromAuditDir, 'snapshots');
  const snapshots: Array<{ file: string; bytes: Buffer }> = [];
  for (const relative of await listFiles(snapshotsDir)) {
    snapshots.push({ file: path.join(params.outDir, 'snapshots', relative), bytes: await readFile(path.join(snapshotsDir, relative)) });
  }
  const agent = new Agent();
  const headers = { accept: 'application/json', authorization: `Bearer ${BENCH_ENV.OPENAI_ADMIN_KEY}` };

  const started = performance.now();
  let buckets = 0;
  for (const url of params.urls) {
    const response = await request(`${params.origin}${url}`, { method: 'GET', headers, dispatcher: agent });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`floor: ${url} answered ${response.statusCode}`);
    const page = parseJsonExact(text) as { data?: unknown[] };
    // Use the parse result so it is not work that could be skipped.
    buckets += page.data?.length ?? 0;
  }
  const made = new Set<string>();
  let bytesWritten = 0;
  for (const { file, bytes } of snapshots) {
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeFile(file, bytes);
    bytesWritten += bytes.length;
  }
  const wallMs = performance.now() - started;

  await agent.close();
  if (buckets === 0) throw new Error('floor: the recorded pages held no buckets');
  return { wallMs, requests: params.urls.length, filesWritten: snapshots.length, bytesWritten };
}
