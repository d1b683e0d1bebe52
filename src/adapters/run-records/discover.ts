// Finding run records: runs/<framework>/<run_id>/metrics.json, exactly two levels down.
// Nothing is followed through a symbolic link, at any level: a link could lead a rewrite
// outside the runs directory (or the repository), so a link is reported and never read.
// Hidden entries (.git, .DS_Store) and plain files beside the runs are not records and are
// passed over silently; a visible directory with an unsafe name is reported.

import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isSafeName, joinRelative } from './paths.js';
import type { RunFilter } from './types.js';

export const RECORD_FILE = 'metrics.json';

export type DiscoveredEntry =
  | { kind: 'run'; framework: string; runId: string; file: string; relativePath: string }
  | { kind: 'rejected'; relativePath: string; reason: string };

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Entries in code-unit order of their names, the same on every machine and locale. */
function sortedEntries(dir: string): Dirent[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type Classified = 'directory' | 'file' | 'symlink' | 'other' | 'missing';

/** What the listing already says an entry is (no lstat per run), or lstat where it cannot tell. */
function classifyEntry(entry: Dirent, target: string): Classified {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return classify(target);
}

function classify(target: string): Classified {
  try {
    const stats = lstatSync(target);
    if (stats.isSymbolicLink()) return 'symlink';
    if (stats.isDirectory()) return 'directory';
    return stats.isFile() ? 'file' : 'other';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

function describeError(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

/** A directory entry that may hold runs (level 1) or one run (level 2), or why it may not. */
function childDirectory(parent: string, entry: Dirent, relativePath: string, level: 'framework' | 'run id'): DiscoveredEntry | 'skip' | 'directory' {
  const { name } = entry;
  if (name.startsWith('.')) return 'skip';
  let kind: Classified;
  try {
    kind = classifyEntry(entry, path.join(parent, name));
  } catch (error) {
    return { kind: 'rejected', relativePath, reason: `cannot be inspected (${describeError(error)})` };
  }
  if (kind === 'symlink') return { kind: 'rejected', relativePath, reason: 'is a symbolic link; links are not followed, so it was not read' };
  if (kind !== 'directory') return 'skip';
  if (!isSafeName(name)) {
    return { kind: 'rejected', relativePath, reason: `${JSON.stringify(name)} is not a safe ${level} name (letters, digits, ".", "_" and "-", starting with a letter or digit); not read` };
  }
  return 'directory';
}

function runEntry(runDir: string, framework: string, runId: string, relativeDir: string): DiscoveredEntry | undefined {
  const file = path.join(runDir, RECORD_FILE);
  const relativePath = joinRelative(relativeDir, RECORD_FILE);
  let kind: Classified;
  try {
    kind = classify(file);
  } catch (error) {
    return { kind: 'rejected', relativePath, reason: `cannot be inspected (${describeError(error)})` };
  }
  // A run directory without its record yet (a runner still at work) is simply not a run.
  if (kind === 'missing') return undefined;
  if (kind === 'symlink') return { kind: 'rejected', relativePath, reason: 'is a symbolic link; links are not followed, so it was not read' };
  if (kind !== 'file') return { kind: 'rejected', relativePath, reason: 'is not a regular file' };
  return { kind: 'run', framework, runId, file, relativePath };
}

function listOrReject(dir: string, relativePath: string): Dirent[] | DiscoveredEntry {
  try {
    return sortedEntries(dir);
  } catch (error) {
    return { kind: 'rejected', relativePath, reason: `cannot be listed (${describeError(error)})` };
  }
}

/**
 * Every run record and every rejected entry under `root` (an existing directory), in a
 * deterministic order: by framework, then run id. `rootName` prefixes relative paths.
 */
export function discoverRuns(root: string, rootName: string, filter: RunFilter): DiscoveredEntry[] {
  const found: DiscoveredEntry[] = [];
  for (const frameworkEntry of sortedEntries(root)) {
    const framework = frameworkEntry.name;
    if (filter.framework !== undefined && framework !== filter.framework) continue;
    const frameworkRelative = joinRelative(rootName, framework);
    const frameworkKind = childDirectory(root, frameworkEntry, frameworkRelative, 'framework');
    if (frameworkKind === 'skip') continue;
    if (frameworkKind !== 'directory') {
      found.push(frameworkKind);
      continue;
    }
    const frameworkDir = path.join(root, framework);
    const runEntries = listOrReject(frameworkDir, frameworkRelative);
    if (!Array.isArray(runEntries)) {
      found.push(runEntries);
      continue;
    }
    for (const runDirEntry of runEntries) {
      const runId = runDirEntry.name;
      if (filter.runId !== undefined && runId !== filter.runId) continue;
      const runRelative = joinRelative(frameworkRelative, runId);
      const runKind = childDirectory(frameworkDir, runDirEntry, runRelative, 'run id');
      if (runKind === 'skip') continue;
      if (runKind !== 'directory') {
        found.push(runKind);
        continue;
      }
      const entry = runEntry(path.join(frameworkDir, runId), framework, runId, runRelative);
      if (entry) found.push(entry);
    }
  }
  return found;
}
