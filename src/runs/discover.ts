// Finding run records: runs/<framework>/<run_id>/metrics.json, exactly two levels down.
// Nothing is followed through a symbolic link, at any level: a link could lead a rewrite
// outside the runs directory (or the repository), so a link is reported and never read.
// Hidden entries (.git, .DS_Store) and plain files beside the runs are not records and are
// passed over silently; a visible directory with an unsafe name is reported.

import { lstat, readdir } from 'node:fs/promises';
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

/** Names in code-unit order, the same on every machine and locale. */
async function sortedNames(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Classified = 'directory' | 'file' | 'symlink' | 'other' | 'missing';

async function classify(target: string): Promise<Classified> {
  try {
    const stats = await lstat(target);
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
async function childDirectory(parent: string, name: string, relativePath: string, level: 'framework' | 'run id'): Promise<DiscoveredEntry | 'skip' | 'directory'> {
  if (name.startsWith('.')) return 'skip';
  let kind: Classified;
  try {
    kind = await classify(path.join(parent, name));
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

async function runEntry(runDir: string, framework: string, runId: string, relativeDir: string): Promise<DiscoveredEntry | undefined> {
  const file = path.join(runDir, RECORD_FILE);
  const relativePath = joinRelative(relativeDir, RECORD_FILE);
  let kind: Classified;
  try {
    kind = await classify(file);
  } catch (error) {
    return { kind: 'rejected', relativePath, reason: `cannot be inspected (${describeError(error)})` };
  }
  // A run directory without its record yet (a runner still at work) is simply not a run.
  if (kind === 'missing') return undefined;
  if (kind === 'symlink') return { kind: 'rejected', relativePath, reason: 'is a symbolic link; links are not followed, so it was not read' };
  if (kind !== 'file') return { kind: 'rejected', relativePath, reason: 'is not a regular file' };
  return { kind: 'run', framework, runId, file, relativePath };
}

async function listOrReject(dir: string, relativePath: string): Promise<string[] | DiscoveredEntry> {
  try {
    return await sortedNames(dir);
  } catch (error) {
    return { kind: 'rejected', relativePath, reason: `cannot be listed (${describeError(error)})` };
  }
}

/**
 * Every run record and every rejected entry under `root` (an existing directory), in a
 * deterministic order: by framework, then run id. `rootName` prefixes relative paths.
 */
export async function discoverRuns(root: string, rootName: string, filter: RunFilter): Promise<DiscoveredEntry[]> {
  const found: DiscoveredEntry[] = [];
  const frameworks = await sortedNames(root);
  for (const framework of frameworks) {
    if (filter.framework !== undefined && framework !== filter.framework) continue;
    const frameworkRelative = joinRelative(rootName, framework);
    const frameworkKind = await childDirectory(root, framework, frameworkRelative, 'framework');
    if (frameworkKind === 'skip') continue;
    if (frameworkKind !== 'directory') {
      found.push(frameworkKind);
      continue;
    }
    const frameworkDir = path.join(root, framework);
    const runIds = await listOrReject(frameworkDir, frameworkRelative);
    if (!Array.isArray(runIds)) {
      found.push(runIds);
      continue;
    }
    for (const runId of runIds) {
      if (filter.runId !== undefined && runId !== filter.runId) continue;
      const runRelative = joinRelative(frameworkRelative, runId);
      const runKind = await childDirectory(frameworkDir, runId, runRelative, 'run id');
      if (runKind === 'skip') continue;
      if (runKind !== 'directory') {
        found.push(runKind);
        continue;
      }
      const entry = await runEntry(path.join(frameworkDir, runId), framework, runId, runRelative);
      if (entry) found.push(entry);
    }
  }
  return found;
}
