import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/ledger/atomic-write.js';

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
