// Files are replaced atomically: written beside the target, flushed, then renamed over
// it, so a reader (or a crash) sees the old bytes or the new ones, never half of each.
// A file named by its own hash (a diff) is written as its text comes, then named.
// The synchronous form is for reconcile, which rewrites run records one after another
// from synchronous code.

import { createHash, randomUUID } from 'node:crypto';
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

/** Creates `temporary`, lets `fill` write it, flushes it and renames it to `target()`; leaves nothing behind on failure. */
async function replaceWith(temporary: string, fill: (handle: FileHandle) => Promise<void>, target: () => string): Promise<string> {
  const handle = await openNew(temporary);
  try {
    await fill(handle);
    await handle.sync();
    await handle.close();
    const file = target();
    await rename(temporary, file);
    return file;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes `content` to `target` atomically, creating its directory when missing. */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  await replaceWith(temporaryBeside(target), (handle) => handle.writeFile(content), () => target);
}

/** Text is gathered to about this many characters per write, not written piece by piece. */
const BATCH_CHARS = 1 << 20;

/**
 * Writes the text `pieces` to a new file in `directory` as they come, hashing them on the
 * way, and names it `nameFor(sha256 hex of its bytes)`: for a file named by its own
 * content that is too large to be held whole first. Resolves with its path.
 */
export async function writeHashedFileAtomic(directory: string, pieces: Iterable<string>, nameFor: (sha256: string) => string): Promise<string> {
  const hash = createHash('sha256');
  const fill = async (handle: FileHandle): Promise<void> => {
    const append = (text: string): Promise<void> => {
      const bytes = Buffer.from(text, 'utf8');
      hash.update(bytes);
      return handle.appendFile(bytes);
    };
    let batch = '';
    for (const piece of pieces) {
      batch += piece;
      if (batch.length < BATCH_CHARS) continue;
      await append(batch);
      batch = '';
    }
    await append(batch);
  };
  return replaceWith(path.join(directory, `.${randomUUID()}.tmp`), fill, () => path.join(directory, nameFor(hash.digest('hex'))));
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
