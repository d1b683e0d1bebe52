// Files are replaced atomically: written beside the target, flushed, then renamed over
// it, so a reader (or a crash) sees the old bytes or the new ones, never half of each.
// The promise form lets the ledger overlap many flushes; the synchronous form is for
// callers that replace thousands of small files one after another (run records), where
// a round trip through the thread pool per call costs several times the work itself.

import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A name no other writer picks (randomUUID draws from a cached pool: cheap per file). */
function temporaryBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
}

/** `content` in pieces is written one piece after another, as if joined. */
export async function writeFileAtomic(target: string, content: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = temporaryBeside(target);
  const handle = await open(temporary, 'wx');
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) await handle.writeFile(content);
    // Each writeFile on a handle continues where the last one ended.
    else for (const piece of content) await handle.writeFile(piece);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** writeFileAtomic without the event loop; the target's directory must already exist. */
export function writeFileAtomicSync(target: string, content: string | Uint8Array): void {
  const temporary = temporaryBeside(target);
  const descriptor = openSync(temporary, 'wx');
  try {
    writeFileSync(descriptor, content);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
