import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync, writeHashedFileAtomic } from '../../../src/adapters/ledger-fs/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the old file with text or bytes and leaves no temp file', async () => {
    const target = path.join(dir, 'nested', 'day.json');
    await writeFileAtomic(target, 'old\n');
    await writeFileAtomic(target, new TextEncoder().encode('{"a": "ü"}\n'));
    expect(await readFile(target, 'utf8')).toBe('{"a": "ü"}\n');
    expect(await readdir(path.dirname(target))).toEqual(['day.json']);
  });

  it('creates missing directories at any depth, and refuses a file standing where one belongs', async () => {
    const deep = path.join(dir, 'a', 'b', 'c', 'day.json');
    await writeFileAtomic(deep, 'x\n');
    expect(await readFile(deep, 'utf8')).toBe('x\n');

    await writeFile(path.join(dir, 'blocker'), 'keep');
    await expect(writeFileAtomic(path.join(dir, 'blocker', 'day.json'), 'z')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(writeFileAtomic(path.join(dir, 'blocker', 'deeper', 'day.json'), 'z')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(path.join(dir, 'blocker'), 'utf8')).toBe('keep');
  });

  it('leaves the target as it was when the rename fails', async () => {
    const target = path.join(dir, 'taken');
    await writeFile(path.join(dir, 'keep'), 'kept');
    // A directory in the way: the temp file is written, the rename over a directory fails.
    await writeFileAtomic(path.join(target, 'inner'), 'x');
    await expect(writeFileAtomic(target, 'y')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep', 'taken']);
    expect(await readFile(path.join(target, 'inner'), 'utf8')).toBe('x');
  });

  it('leaves nothing behind when the content cannot be written', async () => {
    const target = path.join(dir, 'day.json');
    await writeFileAtomic(target, 'kept\n');
    // Not bytes: the write fails after the temporary file was created.
    await expect(writeFileAtomic(target, { byteLength: 5 } as unknown as Uint8Array)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['day.json']);
    expect(await readFile(target, 'utf8')).toBe('kept\n');
  });
});

describe('writeHashedFileAtomic', () => {
  const nameFor = (sha256: string): string => `diff-${sha256.slice(0, 8)}.json`;

  it('writes the pieces as they come and names the file by the hash of its bytes', async () => {
    const pieces = Array.from({ length: 2500 }, (_, index) => `${'é'.repeat(index % 700)}${index}\n`);
    let taken = 0;
    function* lazily(): Generator<string> {
      for (const piece of pieces) {
        taken += 1;
        yield piece;
      }
    }
    const file = await writeHashedFileAtomic(path.join(dir, 'diffs', 'day'), lazily(), nameFor);
    const expected = Buffer.from(pieces.join(''), 'utf8');
    expect(taken).toBe(pieces.length);
    expect(file).toBe(path.join(dir, 'diffs', 'day', nameFor(createHash('sha256').update(expected).digest('hex'))));
    expect(Buffer.compare(await readFile(file), expected)).toBe(0);
    expect(await readdir(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('leaves nothing behind when a piece cannot be made', async () => {
    function* failing(): Generator<string> {
      yield 'x'.repeat(3 << 20);
      throw new Error('cannot encode this entry');
    }
    await expect(writeHashedFileAtomic(dir, failing(), nameFor)).rejects.toThrow('cannot encode this entry');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces the file, and leaves it as it was when the rename fails', async () => {
    const target = path.join(dir, 'metrics.json');
    writeFileAtomicSync(target, 'old\n');
    writeFileAtomicSync(target, 'new\n');
    expect(await readFile(target, 'utf8')).toBe('new\n');
    await mkdir(path.join(dir, 'taken', 'inner'), { recursive: true });
    expect(() => writeFileAtomicSync(path.join(dir, 'taken'), 'y')).toThrow();
    expect((await readdir(dir)).sort()).toEqual(['metrics.json', 'taken']);
  });
});
