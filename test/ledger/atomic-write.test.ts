import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { writeFileAtomic, writeHashedFileAtomic, writePieces } from '../../src/ledger/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes content given in pieces as if joined, replacing the old file and leaving no temp file', async () => {
    const target = path.join(dir, 'nested', 'day.json');
    await writeFileAtomic(target, 'old\n');
    const encoder = new TextEncoder();
    await writeFileAtomic(target, [encoder.encode('{"a": "ü"'), new Uint8Array(0), encoder.encode('}'), encoder.encode('\n')]);
    expect(await readFile(target, 'utf8')).toBe('{"a": "ü"}\n');
    expect(await readdir(path.dirname(target))).toEqual(['day.json']);
  });

  it('creates missing directories at any depth, and refuses a file standing where one belongs', async () => {
    const deep = path.join(dir, 'a', 'b', 'c', 'day.json');
    await writeFileAtomic(deep, 'x\n');
    expect(await readFile(deep, 'utf8')).toBe('x\n');
    const hashed = await writeHashedFileAtomic(path.join(dir, 'd', 'e'), [new TextEncoder().encode('y')], (sha256) => `${sha256.slice(0, 8)}.json`);
    expect(await readFile(hashed, 'utf8')).toBe('y');

    await writeFile(path.join(dir, 'blocker'), 'keep');
    await expect(writeFileAtomic(path.join(dir, 'blocker', 'day.json'), 'z')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(writeFileAtomic(path.join(dir, 'blocker', 'deeper', 'day.json'), 'z')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(path.join(dir, 'blocker'), 'utf8')).toBe('keep');
  });

  it('writes thousands of pieces of every size, more than one call can take', async () => {
    const target = path.join(dir, 'many.json');
    const pieces = Array.from({ length: 3000 }, (_, index) => new Uint8Array(index % 7 === 0 ? 0 : (index * 37) % 5000).fill(index % 251));
    await writeFileAtomic(target, pieces);
    expect(Buffer.compare(await readFile(target), Buffer.concat(pieces))).toBe(0);
  });

  it('leaves the target as it was when the rename fails', async () => {
    const target = path.join(dir, 'taken');
    await writeFile(path.join(dir, 'keep'), 'kept');
    // A directory in the way: the temp file is written, the rename over a directory fails.
    await writeFileAtomic(path.join(target, 'inner'), 'x');
    await expect(writeFileAtomic(target, [new TextEncoder().encode('y')])).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep', 'taken']);
    expect(await readFile(path.join(target, 'inner'), 'utf8')).toBe('x');
  });

  it('leaves nothing behind when the content cannot be written', async () => {
    const target = path.join(dir, 'day.json');
    await writeFileAtomic(target, 'kept\n');
    // Not bytes: the write fails after the temporary file was created.
    await expect(writeFileAtomic(target, [{ byteLength: 5 } as unknown as Uint8Array])).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['day.json']);
    expect(await readFile(target, 'utf8')).toBe('kept\n');
  });

  it('goes on where a short write stopped, even inside a piece', async () => {
    const received: Buffer[] = [];
    // A handle whose every call writes at most 5 bytes, as a system may under pressure.
    const handle = {
      async writev(buffers: Uint8Array[]) {
        const all = Buffer.concat(buffers).subarray(0, 5);
        received.push(Buffer.from(all));
        return { bytesWritten: all.length, buffers };
      },
    } as unknown as FileHandle;
    const pieces = ['ab', '', 'cdefgh', 'i', 'jklmnopqrstu'].map((text) => new TextEncoder().encode(text));
    await writePieces(handle, pieces);
    expect(Buffer.concat(received).toString()).toBe('abcdefghijklmnopqrstu');
  });

  it('fails rather than asking forever when a write takes nothing', async () => {
    const handle = { writev: async (buffers: Uint8Array[]) => ({ bytesWritten: 0, buffers }) } as unknown as FileHandle;
    await expect(writePieces(handle, [new Uint8Array([1])])).rejects.toThrow(/accepted none of the bytes/);
  });
});

describe('writeHashedFileAtomic', () => {
  const nameFor = (sha256: string): string => `diff-${sha256.slice(0, 8)}.json`;

  it('writes the pieces as they come and names the file by the hash of its bytes', async () => {
    const pieces = Array.from({ length: 2500 }, (_, index) => new Uint8Array((index * 997) % 4000).fill(index % 251));
    let taken = 0;
    function* lazily(): Generator<Uint8Array> {
      for (const piece of pieces) {
        taken += 1;
        yield piece;
      }
    }
    const file = await writeHashedFileAtomic(path.join(dir, 'diffs', 'day'), lazily(), nameFor);
    const expected = Buffer.concat(pieces);
    expect(taken).toBe(pieces.length);
    expect(file).toBe(path.join(dir, 'diffs', 'day', nameFor(createHash('sha256').update(expected).digest('hex'))));
    expect(Buffer.compare(await readFile(file), expected)).toBe(0);
    expect(await readdir(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('leaves nothing behind when a piece cannot be made', async () => {
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(2 << 20).fill(1);
      throw new Error('cannot encode this entry');
    }
    await expect(writeHashedFileAtomic(dir, failing(), nameFor)).rejects.toThrow('cannot encode this entry');
    expect(await readdir(dir)).toEqual([]);
  });
});
