// Golden files for the ledger: a SHA-256 list of every file the tool wrote, and a few of
// those files kept whole so that a change shows up as a readable diff, not only a hash.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const GOLDEN_DIR = path.resolve(import.meta.dirname, '../golden');
export const HASH_LIST = path.join(GOLDEN_DIR, 'ledger.sha256');
/** Whole copies live under this folder at their repository paths, beside the hash list. */
export const KEPT_DIR = path.join(GOLDEN_DIR, 'files');

/** Repository-relative paths of every file under `folder`, sorted, with `/` separators. */
export async function filesUnder(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** The `sha256sum` format: hash, two spaces, path; one line per file in the order given. */
export async function hashList(root: string, files: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const file of files) {
    const digest = createHash('sha256').update(await readFile(path.join(root, file))).digest('hex');
    lines.push(`${digest}  ${file}\n`);
  }
  return lines.join('');
}

export interface GoldenSet {
  hashes: string;
  /** Repository path to exact text. */
  kept: Map<string, string>;
}

export async function readWritten(root: string, files: readonly string[], keptPaths: readonly string[]): Promise<GoldenSet> {
  const kept = new Map<string, string>();
  for (const file of keptPaths) kept.set(file, await readFile(path.join(root, file), 'utf8'));
  return { hashes: await hashList(root, files), kept };
}

export async function readGolden(): Promise<GoldenSet> {
  const kept = new Map<string, string>();
  for (const file of await filesUnder(KEPT_DIR, '.')) kept.set(file, await readFile(path.join(KEPT_DIR, file), 'utf8'));
  return { hashes: await readFile(HASH_LIST, 'utf8'), kept };
}

/** Replaces the golden files with `written`; whole copies no longer kept are removed. */
export async function writeGolden(written: GoldenSet): Promise<void> {
  await rm(KEPT_DIR, { recursive: true, force: true });
  for (const [file, text] of written.kept) {
    await mkdir(path.dirname(path.join(KEPT_DIR, file)), { recursive: true });
    await writeFile(path.join(KEPT_DIR, file), text);
  }
  await writeFile(HASH_LIST, written.hashes);
}
