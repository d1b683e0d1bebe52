// Replaying one local ledger commit on top of the upstream's tip without merging text:
// its data files are taken as they are in it (a path upstream also changed, to something
// else, is a real conflict), the manifest is merged day by day and the README rebuilt from
// the merged manifest. Everything is built on a temporary index and written as objects, so
// neither the checkout nor the user's index is touched here.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../lib/json/json.js';
import { buildLedgerReadme } from '../../domain/ledger-readme.js';
import { emptyManifestContent, mergeManifests, type LedgerDay, type ManifestContent, type ManifestMerge } from '../../domain/manifest-merge.js';
import { LedgerFileError } from '../ledger-fs/store.js';
import { assertValid } from '../ledger-fs/schema-validator.js';
import { identityOptions, type Git, type GitIdentity } from './git.js';

export interface ReplayStep {
  commit: string;
  /** The commit it was made on. */
  parent: string;
  /** The commit it is replayed on top of. */
  tip: string;
  /** The audit directory, relative to the repository root, with forward slashes. */
  auditDir: string;
  /** The committer of the recreated commit; the author is kept. */
  identity: GitIdentity;
  /** A private directory for the temporary index and the files objects are written from. */
  scratch: string;
}

export interface ReplayConflict {
  /** Root-relative paths both sides changed to different content. */
  paths: string[];
  /** Days both sides wrote with different content. */
  days: LedgerDay[];
  origin: ManifestMerge['originConflict'];
}

export type ReplayOutcome =
  | { kind: 'replayed'; sha: string }
  /** Everything the commit changed is upstream already; like a rebase, it is dropped. */
  | { kind: 'empty' }
  | { kind: 'conflict'; conflict: ReplayConflict };

interface TreeEntry {
  mode: string;
  sha: string;
}

interface TreeChange {
  path: string;
  /** Null where the path does not exist on that side. */
  before: TreeEntry | null;
  after: TreeEntry | null;
}

const FILE_MODE = '100644';
// update-index takes this many paths per call, well below any command-line limit.
const PATHS_PER_CALL = 500;

export async function replayLedgerCommit(git: Git, step: ReplayStep): Promise<ReplayOutcome> {
  const manifestPath = `${step.auditDir}/manifest.json`;
  const readmePath = `${step.auditDir}/README.md`;
  const ours = await treeChanges(git, step.parent, step.commit);
  const theirs = new Map((await treeChanges(git, step.parent, step.tip)).map((change) => [change.path, change.after]));

  const merge = ours.some((change) => change.path === manifestPath)
    ? mergeManifests(
        await manifestAt(git, step.parent, manifestPath),
        await manifestAt(git, step.commit, manifestPath),
        await manifestAt(git, step.tip, manifestPath),
      )
    : undefined;
  // A day both wrote with the same content keeps their entry, so it keeps their files too.
  const keptTheirs = new Set(merge?.keptTheirs.map(dayKey));

  const updates: TreeChange[] = [];
  const conflictPaths: string[] = [];
  for (const change of ours) {
    if (change.path === manifestPath || change.path === readmePath) continue;
    const day = ledgerDayOf(step.auditDir, change.path);
    if (day !== undefined && keptTheirs.has(dayKey(day))) continue;
    if (!theirs.has(change.path)) updates.push(change);
    else if (!sameEntry(theirs.get(change.path) ?? null, change.after)) conflictPaths.push(change.path);
  }
  if (conflictPaths.length > 0 || (merge !== undefined && (merge.conflicts.length > 0 || merge.originConflict !== null))) {
    return { kind: 'conflict', conflict: { paths: conflictPaths, days: merge?.conflicts ?? [], origin: merge?.originConflict ?? null } };
  }

  const root = await git.repoRoot();
  const env = { GIT_INDEX_FILE: path.join(step.scratch, 'index') };
  await git.exec(['read-tree', step.tip], { env });
  if (merge !== undefined) {
    assertValid('manifest', merge.manifest, `${manifestPath} (merged)`);
    const readme = buildLedgerReadme(merge.manifest.windows, merge.manifest.origin);
    updates.push(
      { path: manifestPath, before: null, after: { mode: FILE_MODE, sha: await writeBlob(git, step.scratch, canonicalJson(merge.manifest)) } },
      { path: readmePath, before: null, after: { mode: FILE_MODE, sha: await writeBlob(git, step.scratch, readme) } },
    );
  }
  await applyToIndex(git, root, env, updates);

  const tree = (await git.exec(['write-tree'], { env })).stdout.trim();
  const tipTree = (await git.exec(['rev-parse', `${step.tip}^{tree}`])).stdout.trim();
  if (tree === tipTree) return { kind: 'empty' };
  return { kind: 'replayed', sha: await recreateCommit(git, step, tree) };
}

/** What changed from `from` to `to`, file by file. */
async function treeChanges(git: Git, from: string, to: string): Promise<TreeChange[]> {
  const listed = await git.exec(['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', '--raw', from, to]);
  const fields = listed.stdout.split('\0');
  const changes: TreeChange[] = [];
  // Each change is ":<old mode> <new mode> <old sha> <new sha> <status>" then its path.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldSha, newSha] = (fields[i] ?? '').slice(1).split(' ');
    const file = fields[i + 1];
    if (oldMode === undefined || newMode === undefined || oldSha === undefined || newSha === undefined || file === undefined) continue;
    changes.push({ path: file, before: presentEntry(oldMode, oldSha), after: presentEntry(newMode, newSha) });
  }
  return changes;
}

function presentEntry(mode: string, sha: string): TreeEntry | null {
  return /^0+$/.test(mode) ? null : { mode, sha };
}

function sameEntry(a: TreeEntry | null, b: TreeEntry | null): boolean {
  return a === null || b === null ? a === b : a.mode === b.mode && a.sha === b.sha;
}

/** The manifest as committed at `rev`, validated; an empty one where there is none yet. */
async function manifestAt(git: Git, rev: string, manifestPath: string): Promise<ManifestContent> {
  const where = `${manifestPath} at ${rev.slice(0, 12)}`;
  const located = await git.exec(['rev-parse', '--verify', '--quiet', `${rev}:${manifestPath}`], { allowFailure: true });
  if (located.exitCode !== 0) return emptyManifestContent();
  const text = (await git.exec(['cat-file', 'blob', located.stdout.trim()])).stdout;
  let value: unknown;
  try {
    value = JSON.parse(text);
    assertValid('manifest', value, where);
  } catch (error) {
    throw new LedgerFileError(where, 'it is not a valid manifest, so it cannot be merged', { cause: error });
  }
  return value as ManifestContent;
}

async function writeBlob(git: Git, scratch: string, text: string): Promise<string> {
  const file = path.join(scratch, 'blob');
  await writeFile(file, text);
  // No filters: the bytes are exactly what the ledger writes, whatever .gitattributes says.
  return (await git.exec(['hash-object', '-w', '--no-filters', '--', file])).stdout.trim();
}

async function applyToIndex(git: Git, root: string, env: Record<string, string>, changes: TreeChange[]): Promise<void> {
  // update-index reads paths relative to the directory it runs in: run it at the root.
  const added = changes.flatMap((change) => (change.after ? ['--cacheinfo', `${change.after.mode},${change.after.sha},${change.path}`] : []));
  const removed = changes.filter((change) => change.after === null).map((change) => change.path);
  for (let i = 0; i < added.length; i += 2 * PATHS_PER_CALL) {
    await git.exec(['-C', root, 'update-index', '--add', ...added.slice(i, i + 2 * PATHS_PER_CALL)], { env });
  }
  for (let i = 0; i < removed.length; i += PATHS_PER_CALL) {
    await git.exec(['-C', root, 'update-index', '--force-remove', '--', ...removed.slice(i, i + PATHS_PER_CALL)], { env });
  }
}

/** The commit again, on the new tip: same message and author, the ledger as committer. */
async function recreateCommit(git: Git, step: ReplayStep, tree: string): Promise<string> {
  const raw = (await git.exec(['cat-file', 'commit', step.commit])).stdout;
  const messageAt = raw.indexOf('\n\n');
  const messageFile = path.join(step.scratch, 'message');
  await writeFile(messageFile, messageAt === -1 ? '' : raw.slice(messageAt + 2));
  const [name = '', email = '', date = ''] = (await git.exec(['log', '-1', '--date=raw', '--format=%an%x00%ae%x00%ad', step.commit])).stdout
    .replace(/\n$/, '')
    .split('\0');
  const who = identityOptions(step.identity);
  const env = { ...who.env, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date };
  return (await git.exec([...who.args, 'commit-tree', tree, '-p', step.tip, '-F', messageFile], { env })).stdout.trim();
}

// The day files of the ledger layout (see src/adapters/ledger-fs/paths.ts), relative to the audit directory.
const SNAPSHOT_FILE = /^snapshots\/([a-z0-9][a-z0-9_]*)\/\d{4}-\d{2}\/(\d{4}-\d{2}-\d{2})\.json$/;
const RAW_FILE = /^raw\/([a-z0-9][a-z0-9_]*)\/(\d{4}-\d{2}-\d{2})\/[a-z0-9][a-z0-9_]*\.json$/;

/** The provider and day a snapshot or raw file belongs to; undefined for any other path. */
export function ledgerDayOf(auditDir: string, file: string): LedgerDay | undefined {
  if (!file.startsWith(`${auditDir}/`)) return undefined;
  const relative = file.slice(auditDir.length + 1);
  const match = SNAPSHOT_FILE.exec(relative) ?? RAW_FILE.exec(relative);
  return match ? { provider: match[1]!, date: match[2]! } : undefined;
}

function dayKey(day: LedgerDay): string {
  return `${day.provider}/${day.date}`;
}
