// Finds any piece of a secret left in what a run produced: every file under the given
// directories and any captured text. A piece is 6 consecutive characters of the secret
// that reach past its public prefix (sk-admin-, ghp_...), which names the kind of key
// and is no secret. Git's own directory is skipped: its objects are compressed. Text is
// also searched with Markdown's backslash escapes removed, as a reader would see it.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const PIECE_LENGTH = 6;
const PUBLIC_PREFIX = /^(?:sk-ant-(?:admin|api)\d*-|sk-(?:admin|proj|svcacct|None)-|sk-|gh[pousr]_|github_pat_)/;

/** Every 6-character piece of `secret` that holds at least one character of its body. */
export function secretPieces(secret: string): string[] {
  const bodyStart = PUBLIC_PREFIX.exec(secret)?.[0].length ?? 0;
  const pieces = new Set<string>();
  for (let start = Math.max(0, bodyStart - PIECE_LENGTH + 1); start + PIECE_LENGTH <= secret.length; start += 1) {
    pieces.add(secret.slice(start, start + PIECE_LENGTH));
  }
  return [...pieces];
}

export interface ScanPlaces {
  /** Directories searched recursively (a missing one holds nothing). */
  dirs?: readonly string[];
  /** Captured text by a name that says where it came from ("stderr", "issue #1 body"). */
  texts?: Readonly<Record<string, string>>;
}

async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== '.git') files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/** "where: piece" for each place a piece of the secret appears; empty when none does. */
export async function findSecretPieces(secret: string, places: ScanPlaces): Promise<string[]> {
  const pieces = secretPieces(secret);
  const texts: Array<[string, string]> = Object.entries(places.texts ?? {});
  for (const dir of places.dirs ?? []) {
    for (const file of await filesUnder(dir)) texts.push([file, await readFile(file, 'latin1')]);
  }
  const found: string[] = [];
  for (const [where, text] of texts) {
    const rendered = text.replace(/\\(.)/g, '$1');
    const seen = pieces.filter((piece) => text.includes(piece) || rendered.includes(piece));
    if (seen.length > 0) found.push(`${where}: ${seen.map((piece) => JSON.stringify(piece)).join(', ')}`);
  }
  return found;
}

/** Fails listing every place where a piece of `secret` appears. */
export async function expectNoSecretPieces(secret: string, places: ScanPlaces): Promise<void> {
  const found = await findSecretPieces(secret, places);
  if (found.length > 0) throw new Error(`pieces of the secret were found:\n${found.join('\n')}`);
}

/**
 * Anything shaped like a provider key or GitHub token with more of its body than the mask
 * (`sk-admin-***`) leaves: written by this test's own pattern, not the product's, so the
 * sweep does not share a blind spot with what it checks.
 */
const UNMASKED_CREDENTIAL = /(?<![A-Za-z0-9_-])(?:sk-ant-(?:admin|api)\d*-|sk-(?:admin|proj|svcacct)-|gh[pousr]_|github_pat_)[A-Za-z0-9_-]{4,}/g;

/** "file: match" for every unmasked credential shape in a file under `dir` (git's own directories aside). */
export async function findCredentialShapes(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    if (file.split(path.sep).some((part) => part.endsWith('.git'))) continue;
    for (const match of (await readFile(file, 'latin1')).matchAll(UNMASKED_CREDENTIAL)) found.push(`${file}: ${match[0]}`);
  }
  return found;
}
