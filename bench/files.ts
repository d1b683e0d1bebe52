// File helpers the bench needs around its measurements (never inside them): listing and
// hashing what a run wrote, and flushing the page cache's dirty pages between runs so
// one run's writeback is not billed to the next.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** Every file under `dir`, as forward-slash paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  }
  await walk(dir);
  return found.sort();
}


export interface TreeDigest {
  files: number;
  bytes: number;
  /** Relative path to the sha256 of its bytes. */
  hashes: Map<string, string>;
}

/** The sha256 of every file under `dir`, to tell whether two runs wrote the same ledger. */
export async function treeDigest(dir: string): Promise<TreeDigest> {
  const hashes = new Map<string, string>();
  let bytes = 0;
  for (const file of await listFiles(dir)) {
    const content = await readFile(path.join(dir, file));
    bytes += content.length;
    hashes.set(file, createHash('sha256').update(content).digest('hex'));
  }
  return { files: hashes.size, bytes, hashes };
}

/**
 * One SHA-256 for a whole tree: of the sorted "sha256  path" lines (as sha256sum prints
 * them), so two trees agree exactly when every path and every byte does.
 */
export function treeSha256(digest: TreeDigest): string {
  const lines = [...digest.hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, hash]) => `${hash}  ${file}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Paths whose bytes differ between two trees, or that only one of them has. */
export function treeDifferences(expected: TreeDigest, actual: TreeDigest): string[] {
  const differing: string[] = [];
  for (const [file, hash] of expected.hashes) {
    const other = actual.hashes.get(file);
    if (other === undefined) differing.push(`${file} (missing)`);
    else if (other !== hash) differing.push(file);
  }
  for (const file of actual.hashes.keys()) if (!expected.hashes.has(file)) differing.push(`${file} (extra)`);
  return differing;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes back dirty pages (sync(1)) so the next measurement starts with a quiet disk. */
export function flushDisk(): void {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync(1) here: measurements are only a little noisier.
  }
}

export const MiB = 1024 * 1024;
