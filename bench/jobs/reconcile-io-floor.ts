// What the files alone cost, whatever the implementation: read every record as reconcile
// must (refusing links: open O_NOFOLLOW, fstat, read, close), read it again just before
// replacing it (a runner may have rewritten it meanwhile), and replace it atomically and
// durably with the bytes the tool wrote (writeFileAtomicSync: temp file, write, fsync, rename).
// No parsing, planning, attribution or serializing. The CPU this takes is the part of
// reconcile's CPU no code change outside the write path can remove.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFileAtomicSync } from '../../src/adapters/ledger-fs/atomic-write.js';
import { readRecordText } from '../../src/adapters/run-records/load.js';

export interface IoFloorParams {
  /** A fresh copy of the original runs, to read and replace. */
  runsDir: string;
  /** The runs the tool rewrote: the bytes to write. */
  rewrittenDir: string;
  /** Relative paths of the records (framework/run_id/metrics.json). */
  files: string[];
}

export interface IoFloorResult {
  cpuMs: number;
  wallMs: number;
}

export async function reconcileIoFloor(params: IoFloorParams): Promise<IoFloorResult> {
  // The new bytes are read before the clock starts: producing them is the tool's work.
  const rewritten: string[] = [];
  for (const file of params.files) rewritten.push(await readFile(path.join(params.rewrittenDir, file), 'utf8'));
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (const file of params.files) {
    const read = readRecordText(path.join(params.runsDir, file));
    if (!('text' in read)) throw new Error(`floor: ${file} ${read.reason}`);
    bytes += read.text.length;
  }
  for (const [index, file] of params.files.entries()) {
    const target = path.join(params.runsDir, file);
    const again = readRecordText(target);
    if (!('text' in again)) throw new Error(`floor: ${file} ${again.reason}`);
    writeFileAtomicSync(target, rewritten[index]!);
  }
  const used = process.cpuUsage(cpu);
  if (bytes === 0) throw new Error('floor: read nothing');
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started };
}
