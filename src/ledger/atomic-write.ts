// Files are replaced atomically: written beside the target, flushed, then renamed over
// it, so a reader (or a crash) sees the old bytes or the new ones, never half of each.
// The promise form lets the ledger overlap many flushes; the synchronous form is for
// callers that replace thousands of small files one after another (run records), where
// a round trip through the thread pool per call costs several times the work itself.

import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A name no other writer picks (randomUUID draws from a cached pool: cheap per file). */
function temporaryBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
}

/** At most this many pieces go to one writev call (Linux's IOV_MAX). */
const PIECES_PER_CALL = 1024;

/**
 * Writes the pieces one after another with as few calls as the system allows: a snapshot
 * comes in a hundred pieces or more, and each call is a round trip to the thread pool.
 * A call may write less than asked; the rest goes in the next.
 */
export async function writePieces(handle: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  let rest = pieces.filter((piece) => piece.byteLength > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest.slice(0, PIECES_PER_CALL));
    // A call that takes nothing would be asked again forever.
    if (bytesWritten <= 0) throw new Error('the file system accepted none of the bytes written to it');
    let written = bytesWritten;
    let done = 0;
    while (done < rest.length && written >= (rest[done] as Uint8Array).byteLength) {
      written -= (rest[done] as Uint8Array).byteLength;
      done += 1;
    }
    rest = rest.slice(done);
    if (written > 0) rest[0] = (rest[0] as Uint8Array).subarray(written);
  }
}

/**
 * Creates a new file, and its directory only when that is missing: nearly every ledger
 * file goes to a directory that exists, and asking first cost a round trip to the thread
 * pool per file (about 0.6 s of the engine thread's time in a 365-day backfill).
 */
async function openNew(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true });
    return open(file, 'wx');
  }
}

/** Creates `temporary`, lets `fill` write it, and flushes it; removes it if any of that fails. */
async function writeTemporary(temporary: string, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await openNew(temporary);
  try {
    await fill(handle);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
}

/** Renames a flushed temporary file over its target, or removes it if that fails. */
async function moveIntoPlace(temporary: string, target: string): Promise<void> {
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `content` in pieces is written one piece after another, as if joined. */
export async function writeFileAtomic(target: string, content: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temporary = temporaryBeside(target);
  await writeTemporary(temporary, (handle) => (typeof content === 'string' || content instanceof Uint8Array ? handle.writeFile(content) : writePieces(handle, content)));
  await moveIntoPlace(temporary, target);
}

/** Pieces are gathered up to about this many bytes per write while streaming. */
const STREAM_BATCH_BYTES = 1 << 20;

/**
 * Writes `pieces` to a new file in `directory` as they come, hashing them on the way, and
 * names it `nameFor(sha256 hex of its bytes)` once all are flushed: for a file named by
 * its own content (a diff file) too large to be held whole first. Resolves with its path.
 * If a piece cannot be made or written, nothing is left behind.
 */
export async function writeHashedFileAtomic(directory: string, pieces: Iterable<Uint8Array>, nameFor: (sha256: string) => string): Promise<string> {
  const temporary = path.join(directory, `.${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  await writeTemporary(temporary, async (handle) => {
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    for (const piece of pieces) {
      hash.update(piece);
      batch.push(piece);
      batchBytes += piece.byteLength;
      if (batchBytes >= STREAM_BATCH_BYTES || batch.length >= PIECES_PER_CALL) {
        await writePieces(handle, batch);
        batch = [];
        batchBytes = 0;
      }
    }
    await writePieces(handle, batch);
  });
  const target = path.join(directory, nameFor(hash.digest('hex')));
  await moveIntoPlace(temporary, target);
  return target;
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
