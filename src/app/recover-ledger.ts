// Before a publishing run touches the ledger, it compares the work tree's audit directory
// with HEAD. A run killed before its commit leaves whole files there: the ones that still
// form a consistent ledger are committed with this run; the rest are put back as HEAD has
// them, so their days are fetched again. Either way HEAD never gains a manifest entry whose
// snapshot it does not hold.

import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildLedgerReadme } from '../domain/ledger-readme.js';
import { getErrorMessage } from '../errors.js';
import { type LedgerFileKind, assertValid } from '../adapters/ledger-fs/schema-validator.js';
import { LedgerFileError, type LedgerStore, type Manifest } from '../adapters/ledger-fs/store.js';
import type { Logger } from '../ports.js';
import type { Git, PathStatus } from '../adapters/git/git.js';
import { toRepoPath } from './update-ledger.js';

export interface Recovery {
  /** Absolute paths of an interrupted run's files that validated, to commit with this run. */
  recovered: string[];
  /** Ledger-relative paths put back as HEAD has them (or removed, when HEAD has none). */
  restored: string[];
}

const SNAPSHOT = /^snapshots\/([a-z0-9_]+)\/\d{4}-\d{2}\/(\d{4}-\d{2}-\d{2})\.json$/;
const RAW = /^raw\/([a-z0-9_]+)\/(\d{4}-\d{2}-\d{2})\/[a-z0-9_]+\.json$/;
const DIFF = /^diffs\/\d{4}-\d{2}-\d{2}\/[^/]+\.json$/;
/** What the atomic writer leaves when it is killed between creating and renaming a file. */
const TEMPORARY = /(^|\/)\.[^/]*\.tmp$/;

const dayKey = (provider: string, date: string): string => `${provider} ${date}`;

/**
 * An interrupted run's files are whole (they are written atomically), so one that is not
 * valid JSON of its kind was not written by a run: the run stops, leaving it as it is.
 */
async function readValid(file: string, kind: LedgerFileKind | 'diff-or-run-diff'): Promise<{ value: Record<string, unknown>; bytes: Buffer }> {
  const bytes = await readFile(file);
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new LedgerFileError(file, 'it is not valid JSON', { cause: error });
  }
  try {
    assertValid(kind === 'diff-or-run-diff' ? ('runs' in value ? 'run-diff' : 'diff') : kind, value, file);
  } catch (error) {
    throw new LedgerFileError(file, getErrorMessage(error), { cause: error });
  }
  return { value, bytes };
}

async function manifestAt(git: Git, rev: string, repoPath: string): Promise<Manifest | undefined> {
  const shown = await git.exec(['show', `${rev}:${repoPath}`], { allowFailure: true });
  if (shown.exitCode !== 0) return undefined;
  return JSON.parse(shown.stdout) as Manifest;
}

const sameEntry = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The changed files of an interrupted run and the two manifests they are judged against. */
interface Pending {
  /** Ledger-relative paths of the changed files still in the work tree. */
  files: string[];
  headManifest: Manifest | undefined;
  store: LedgerStore;
}

const absoluteIn = (store: LedgerStore, file: string): string => path.join(store.auditDir, file);

function dayOf(file: string): string | undefined {
  const match = SNAPSHOT.exec(file) ?? RAW.exec(file);
  return match ? dayKey(match[1]!, match[2]!) : undefined;
}

/** Which changed snapshots and raw files may stand, judged against one manifest. */
async function judge({ files, headManifest, store }: Pending, manifest: Manifest | undefined): Promise<{ badDays: Set<string>; manifestTrusted: boolean }> {
  const badDays = new Set<string>();
  const goodDays = new Set<string>();
  for (const file of files) {
    const snapshot = SNAPSHOT.exec(file);
    const raw = RAW.exec(file);
    const [provider, date] = snapshot ? [snapshot[1]!, snapshot[2]!] : raw ? [raw[1]!, raw[2]!] : [];
    if (provider === undefined || date === undefined) continue;
    const entry = manifest?.windows[provider]?.[date];
    const parsed = await readValid(absoluteIn(store, file), snapshot ? 'snapshot' : 'raw');
    // A snapshot stands only as its manifest entry's content; raw files only beside an entry.
    const ok = entry?.sha256 != null && (snapshot ? createHash('sha256').update(parsed.bytes).digest('hex') === entry.sha256 : true);
    (ok ? goodDays : badDays).add(dayKey(provider, date));
  }
  for (const day of badDays) goodDays.delete(day);
  // Every entry the manifest changed must name a snapshot that is there, as recorded.
  let manifestTrusted = manifest !== undefined;
  for (const [provider, days] of Object.entries(manifest?.windows ?? {})) {
    for (const [date, entry] of Object.entries(days)) {
      if (sameEntry(entry, headManifest?.windows[provider]?.[date])) continue;
      if (badDays.has(dayKey(provider, date))) manifestTrusted = false;
      if (entry.sha256 !== null && !goodDays.has(dayKey(provider, date)) && (await store.snapshotSha256(provider, date)) !== entry.sha256) manifestTrusted = false;
    }
  }
  return { badDays, manifestTrusted };
}

/** The manifest that stands (the work tree's if it can be trusted, else HEAD's) and the files to put back. */
async function decide(pending: Pending, gone: ReadonlySet<string>): Promise<{ manifest: Manifest | undefined; restored: Set<string> }> {
  const { files, headManifest, store } = pending;
  let manifest = files.includes('manifest.json') ? ((await readValid(absoluteIn(store, 'manifest.json'), 'manifest')).value as unknown as Manifest) : headManifest;
  let verdict = await judge(pending, manifest);
  const restoreManifest = files.includes('manifest.json') && !verdict.manifestTrusted;
  if (restoreManifest) {
    manifest = headManifest;
    verdict = await judge(pending, manifest);
  }
  const restored = new Set<string>(gone);
  if (restoreManifest) restored.add('manifest.json');
  if (manifest === undefined && files.includes('README.md')) restored.add('README.md');
  for (const file of files) {
    const day = dayOf(file);
    if (day !== undefined && verdict.badDays.has(day)) restored.add(file);
  }
  // A diff file is evidence of changes: it stays only if every day it describes stays.
  for (const file of files.filter((name) => DIFF.test(name))) {
    const parsed = await readValid(absoluteIn(store, file), 'diff-or-run-diff');
    const windows = (parsed.value.windows ?? []) as Array<{ provider: string; date: string }>;
    if (windows.some((window) => verdict.badDays.has(dayKey(window.provider, window.date)))) restored.add(file);
  }
  return { manifest, restored };
}

export async function recoverInterruptedRun(options: { git: Git; repoRoot: string; store: LedgerStore; logger: Logger }): Promise<Recovery> {
  const { git, repoRoot, store, logger } = options;
  const auditRepoPath = toRepoPath(repoRoot, store.auditDir);
  const statuses = (await git.statusOf([auditRepoPath])).filter((entry) => entry.index !== '!');
  if (statuses.length === 0) return { recovered: [], restored: [] };

  const relative = (entry: PathStatus): string => entry.path.slice(auditRepoPath.length + 1);
  const temporary = statuses.filter((entry) => TEMPORARY.test(relative(entry)));
  for (const entry of temporary) await rm(absoluteIn(store, relative(entry)), { force: true });
  const changed = statuses.filter((entry) => !temporary.includes(entry));
  const gone = new Set(changed.filter((entry) => entry.worktree === 'D' || (entry.index === 'D' && entry.worktree === ' ')).map(relative));
  const files = changed.map(relative).filter((file) => !gone.has(file));

  const hasHead = (await git.headSha()) !== null;
  const headManifest = hasHead ? await manifestAt(git, 'HEAD', `${auditRepoPath}/manifest.json`) : undefined;
  const { manifest, restored } = await decide({ files, headManifest, store }, gone);

  await restoreFromHead(git, [...restored].map((file) => `${auditRepoPath}/${file}`), hasHead);
  const recovered = files.filter((file) => !restored.has(file) && (file === 'manifest.json' || dayOf(file) !== undefined || DIFF.test(file)));
  // The README is derived: a changed one is rebuilt from whichever manifest stands, never judged.
  if (manifest !== undefined && files.includes('README.md')) {
    await store.writeReadme(buildLedgerReadme(manifest.windows, manifest.origin));
    recovered.push('README.md');
  }

  if (temporary.length > 0) logger.info(`removed ${temporary.length} temporary file(s) an interrupted run left in the ledger`);
  if (restored.size > 0) logger.warning(`restored ${restored.size} ledger file(s) of an interrupted run that did not validate; their days are fetched again`);
  if (recovered.length > 0) logger.info(`recovered ${recovered.length} file(s) of an interrupted run; they are committed with this run`);
  return { recovered: recovered.map((file) => absoluteIn(store, file)), restored: [...restored] };
}

/** Puts paths back as HEAD has them, in the index and the work tree; removes those HEAD lacks. */
async function restoreFromHead(git: Git, repoPaths: string[], hasHead: boolean): Promise<void> {
  if (repoPaths.length === 0) return;
  const root = await git.repoRoot();
  for (const repoPath of repoPaths) {
    const spec = `:(top,literal)${repoPath}`;
    const inHead = hasHead && (await git.exec(['cat-file', '-e', `HEAD:${repoPath}`], { allowFailure: true })).exitCode === 0;
    if (inHead) {
      await git.exec(['checkout', '--quiet', 'HEAD', '--', spec]);
    } else {
      await git.exec(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', spec]);
      await rm(path.join(root, repoPath), { force: true });
    }
  }
}
