// Files are replaced atomically: written beside the target, flushed, then renamed over
// it, so a reader (or a crash) sees the old bytes or the new ones, never half of each.
// The synchronous form is for reconcile, which rewrites run records one after another
// from synchronous code.

import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A name no other writer picks. */
function temporaryBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
}

/** Creates a new file, and its directory when that is missing (a file in the way stays ENOTDIR). */
async function openNew(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true });
    return open(file, 'wx');
  }
}

/** Writes `content` to `target` atomically, creating its directory when missing. */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryBeside(target);
  const handle = await openNew(temporary);
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    await rename(temporary, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
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
