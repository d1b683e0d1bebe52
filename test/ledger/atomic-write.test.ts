import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/ledger/atomic-write.js';

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

  it('leaves the target as it was when the rename fails', async () => {
    const target = path.join(dir, 'taken');
    await writeFile(path.join(dir, 'keep'), 'kept');
    // A directory in the way: the temp file is written, the rename over a directory fails.
    await writeFileAtomic(path.join(target, 'inner'), 'x');
    await expect(writeFileAtomic(target, [new TextEncoder().encode('y')])).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep', 'taken']);
    expect(await readFile(path.join(target, 'inner'), 'utf8')).toBe('x');
  });
});
