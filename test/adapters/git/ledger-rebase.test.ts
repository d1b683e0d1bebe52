// Two publishers writing one ledger at once, on real git with a bare remote: the second
// push is refused, its ledger commits are replayed onto the remote's, and the manifest
// and README are regenerated rather than merged as text.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/lib/json/json.js';
import { buildLedgerReadme } from '../../../src/domain/ledger-readme.js';
import type { ManifestContent } from '../../../src/domain/manifest-merge.js';
import { commitPaths, type CommitPathsOptions } from '../../../src/adapters/git/commit.js';
import { CheckoutBlockedError, LedgerConflictError } from '../../../src/adapters/git/ledger-rebase.js';
import { createGit } from '../../../src/adapters/git/git.js';
import { BOT, createRepoWithRemote, gitIn, isolateGitConfigForFile, logOf, type RepoWithRemote, writeFileIn } from '../../helpers/git-repos.js';

isolateGitConfigForFile();

let repo: RepoWithRemote;
let other: string;
beforeEach(async () => {
  repo = await createRepoWithRemote();
  other = await repo.cloneAnother();
});
afterEach(() => repo.cleanup());

async function readManifest(dir: string): Promise<ManifestContent> {
  const file = join(dir, 'audit/manifest.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as ManifestContent) : { schema_version: 1, origin: null, windows: {} };
}

/**
 * What a run writes for one day: its snapshot and raw page, a diff file named for the run,
 * the manifest entry (hash of the snapshot's bytes) and the README derived from the manifest.
 */
async function writeDay(dir: string, date: string, options: { tokens: number; fetchedAt: string; request?: string }): Promise<void> {
  const snapshot = canonicalJson({ provider: 'openai', date, tokens: options.tokens });
  await writeFileIn(dir, `audit/snapshots/openai/${date.slice(0, 7)}/${date}.json`, snapshot);
  await writeFileIn(dir, `audit/raw/openai/${date}/completions.json`, canonicalJson({ date, request: options.request ?? date, tokens: options.tokens }));
  await writeFileIn(dir, `audit/diffs/${options.fetchedAt.slice(0, 10)}/${options.fetchedAt.slice(11, 19).replaceAll(':', '')}Z-sync-${date.replaceAll('-', '')}.json`, canonicalJson({ date }));
  const manifest = await readManifest(dir);
  manifest.origin = 'simulator';
  (manifest.windows.openai ??= {})[date] = {
    state: 'provisional',
    sha256: createHash('sha256').update(snapshot).digest('hex'),
    first_fetched_at: options.fetchedAt,
    content_changed_at: options.fetchedAt,
    settled_at: null,
    revisions: 0,
    tokens: options.tokens,
  };
  await writeFileIn(dir, 'audit/manifest.json', canonicalJson(manifest));
  await writeFileIn(dir, 'audit/README.md', buildLedgerReadme(manifest.windows, manifest.origin));
}

const publishFrom = (dir: string, overrides: Partial<CommitPathsOptions> = {}) =>
  commitPaths(createGit(dir), { paths: ['audit'], message: 'ledger: sync', identity: BOT, push: true, auditDir: 'audit', ...overrides });

const sha = (dir: string, ref: string) => gitIn(dir, ['rev-parse', ref]);
const show = (dir: string, spec: string) => gitIn(dir, ['show', spec]).then((text) => `${text}\n`);
const status = async (dir: string) =>
  (await gitIn(dir, ['status', '--porcelain=v1', '--untracked-files=all'])).split('\n').filter(Boolean).sort();

describe('a refused ledger push, replayed onto the remote', () => {
  it('publishes both days when two clones wrote different days, the manifest merged and the README rebuilt', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await publishFrom(other, { message: 'ledger: 2026-11-20' });
    const theirs = await sha(other, 'HEAD');
    // This clone has two ledger commits the remote lacks: an earlier unpushed one and this run's.
    await writeDay(repo.work, '2026-11-21', { tokens: 200, fetchedAt: '2026-11-21T06:30:00.000Z' });
    await publishFrom(repo.work, { message: 'ledger: 2026-11-21', push: false });
    await writeDay(repo.work, '2026-11-22', { tokens: 300, fetchedAt: '2026-11-22T06:30:00.000Z' });

    const result = await publishFrom(repo.work, { message: 'ledger: 2026-11-22' });

    expect(result).toMatchObject({ committed: true, pushed: true, pushAttempts: 2 });
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(result.sha);
    expect(await logOf(repo.bare, 'main')).toEqual(['ledger: 2026-11-22', 'ledger: 2026-11-21', 'ledger: 2026-11-20', 'initial commit']);
    expect(await sha(repo.work, 'HEAD~2')).toBe(theirs);
    expect(await gitIn(repo.work, ['log', '-1', '--format=%an <%ae> / %cn <%ce>'])).toBe(`${BOT.name} <${BOT.email}> / ${BOT.name} <${BOT.email}>`);

    const manifest = JSON.parse(await show(repo.bare, 'main:audit/manifest.json')) as ManifestContent;
    expect(Object.keys(manifest.windows.openai ?? {})).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(manifest.origin).toBe('simulator');
    expect(await show(repo.bare, 'main:audit/manifest.json')).toBe(canonicalJson(manifest));
    expect(await show(repo.bare, 'main:audit/README.md')).toBe(buildLedgerReadme(manifest.windows, manifest.origin));
    for (const [date, entry] of Object.entries(manifest.windows.openai ?? {})) {
      const snapshot = await show(repo.bare, `main:audit/snapshots/openai/2026-11/${date}.json`);
      expect(createHash('sha256').update(snapshot).digest('hex')).toBe(entry.sha256);
    }
    const files = (await gitIn(repo.bare, ['ls-tree', '-r', '--name-only', 'main', 'audit/diffs'])).split('\n');
    expect(files).toHaveLength(3);
    // The checkout is the pushed commit, with nothing left over.
    expect(await readFile(join(repo.work, 'audit/manifest.json'), 'utf8')).toBe(canonicalJson(manifest));
    expect(await status(repo.work)).toEqual([]);
  });

  it('replays the same way, deletions included, when run from a subdirectory of the checkout', async () => {
    await writeFileIn(other, 'audit/obsolete.json', '{}\n');
    await publishFrom(other);
    await gitIn(repo.work, ['pull', '--quiet', '--ff-only']);
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await publishFrom(other);
    await writeDay(repo.work, '2026-11-21', { tokens: 200, fetchedAt: '2026-11-21T06:30:00.000Z' });
    await rm(join(repo.work, 'audit/obsolete.json'));

    const result = await commitPaths(createGit(join(repo.work, 'audit', 'snapshots')), {
      paths: ['audit'], message: 'ledger: sync', identity: BOT, push: true, auditDir: 'audit',
    });

    expect(result).toMatchObject({ pushed: true, pushAttempts: 2 });
    expect((await gitIn(repo.bare, ['ls-tree', '-r', '--name-only', 'main', 'audit/snapshots'])).split('\n')).toEqual([
      'audit/snapshots/openai/2026-11/2026-11-20.json',
      'audit/snapshots/openai/2026-11/2026-11-21.json',
    ]);
    expect(await gitIn(repo.bare, ['ls-tree', '--name-only', 'main', 'audit/obsolete.json'])).toBe('');
    expect(await status(repo.work)).toEqual([]);
  });

  it('fails on a day both wrote with different content, naming it, and keeps the local commit as it was', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await publishFrom(other);
    const remoteBefore = await sha(repo.bare, 'refs/heads/main');
    await writeDay(repo.work, '2026-11-20', { tokens: 150, fetchedAt: '2026-11-20T09:00:00.000Z' });

    const error = await publishFrom(repo.work, { message: 'ledger: conflicting' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LedgerConflictError);
    const conflict = error as LedgerConflictError;
    expect(conflict.days).toEqual([{ provider: 'openai', date: '2026-11-20' }]);
    expect(conflict.conflicts).toEqual(['audit/raw/openai/2026-11-20/completions.json', 'audit/snapshots/openai/2026-11/2026-11-20.json']);
    expect(conflict.message).toMatch(/openai 2026-11-20/);
    const head = await sha(repo.work, 'HEAD');
    expect(conflict.localSha).toBe(head);
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: conflicting', 'initial commit']);
    expect(JSON.parse(await readFile(join(repo.work, 'audit/snapshots/openai/2026-11/2026-11-20.json'), 'utf8')).tokens).toBe(150);
    expect(await status(repo.work)).toEqual([]);
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(remoteBefore);
  });

  it('keeps the published entry and files for a day both wrote with the same content', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z', request: 'their range' });
    await publishFrom(other);
    const theirManifest = await show(repo.bare, 'main:audit/manifest.json');
    await writeDay(repo.work, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T07:00:00.000Z', request: 'our range' });

    const result = await publishFrom(repo.work);

    expect(result).toMatchObject({ pushed: true, pushAttempts: 2 });
    expect(await show(repo.bare, 'main:audit/manifest.json')).toBe(theirManifest);
    expect(JSON.parse(await show(repo.bare, 'main:audit/raw/openai/2026-11-20/completions.json')).request).toBe('their range');
    // Only this run's diff file is new.
    expect(await gitIn(repo.bare, ['diff', '--name-only', 'main~1', 'main'])).toBe('audit/diffs/2026-11-20/070000Z-sync-20261120.json');
  });

  it('keeps the user’s staged, unstaged and untracked work outside the ledger', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await publishFrom(other);
    await writeFileIn(repo.work, 'README.md', 'staged by the user\n');
    await gitIn(repo.work, ['add', 'README.md']);
    await writeFileIn(repo.work, 'README.md', 'and then edited again\n');
    await writeFileIn(repo.work, 'notes/scratch.txt', 'untracked\n');
    await writeDay(repo.work, '2026-11-21', { tokens: 200, fetchedAt: '2026-11-21T06:30:00.000Z' });

    const result = await publishFrom(repo.work);

    expect(result).toMatchObject({ pushed: true, pushAttempts: 2 });
    expect(await status(repo.work)).toEqual(['?? notes/scratch.txt', 'MM README.md']);
    expect(await gitIn(repo.work, ['show', ':README.md'])).toBe('staged by the user');
    expect(await readFile(join(repo.work, 'README.md'), 'utf8')).toBe('and then edited again\n');
    expect(await readFile(join(repo.work, 'notes/scratch.txt'), 'utf8')).toBe('untracked\n');
    expect(await gitIn(repo.work, ['stash', 'list'])).toBe('');
  });

  it('refuses to overwrite an untracked file where the remote added one, moving nothing', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await writeFileIn(other, 'audit/notes.md', 'theirs\n');
    await publishFrom(other);
    await writeFileIn(repo.work, 'audit/notes.md', 'mine, not yet added\n');
    await writeDay(repo.work, '2026-11-21', { tokens: 200, fetchedAt: '2026-11-21T06:30:00.000Z' });
    const runFiles = ['audit/snapshots', 'audit/raw', 'audit/diffs', 'audit/manifest.json', 'audit/README.md'];

    const error = await publishFrom(repo.work, { paths: runFiles, maxPushAttempts: 2 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CheckoutBlockedError);
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: sync', 'initial commit']);
    expect(await readFile(join(repo.work, 'audit/notes.md'), 'utf8')).toBe('mine, not yet added\n');
    expect(await status(repo.work)).toEqual(['?? audit/notes.md']);
  });

  it('replays a reconcile’s run records as data, and fails when the remote changed the same record differently', async () => {
    await writeFileIn(other, 'runs/agent/run-1/metrics.json', '{"tokens_in":0}\n');
    await gitIn(other, ['add', 'runs']);
    await gitIn(other, ['commit', '--quiet', '-m', 'add a run']);
    await gitIn(other, ['push', '--quiet', 'origin', 'main']);
    await gitIn(repo.work, ['pull', '--quiet', '--ff-only']);

    await writeFileIn(other, 'runs/agent/run-1/metrics.json', '{"tokens_in":10}\n');
    await writeFileIn(other, 'runs/agent/run-2/metrics.json', '{"tokens_in":5}\n');
    await publishFrom(other, { paths: ['runs'] });
    await writeFileIn(repo.work, 'runs/agent/run-3/metrics.json', '{"tokens_in":7}\n');
    await writeFileIn(repo.work, 'audit/diffs/2026-11-21/070000Z-reconcile-0000aaaa.json', '{}\n');

    const replayed = await publishFrom(repo.work, { paths: ['runs', 'audit'] });

    expect(replayed).toMatchObject({ pushed: true, pushAttempts: 2 });
    expect((await gitIn(repo.bare, ['ls-tree', '-r', '--name-only', 'main', 'runs'])).split('\n')).toHaveLength(3);

    await writeFileIn(other, 'runs/agent/run-1/metrics.json', '{"tokens_in":11}\n');
    await publishFrom(other, { paths: ['runs'] });
    await writeFileIn(repo.work, 'runs/agent/run-1/metrics.json', '{"tokens_in":12}\n');
    const error = await publishFrom(repo.work, { paths: ['runs'] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LedgerConflictError);
    expect((error as LedgerConflictError).conflicts).toEqual(['runs/agent/run-1/metrics.json']);
  });

  it('rebases as before when a local commit is the user’s own work outside the ledger', async () => {
    await writeDay(other, '2026-11-20', { tokens: 100, fetchedAt: '2026-11-20T06:30:00.000Z' });
    await writeFileIn(other, 'docs.txt', 'theirs\n');
    await publishFrom(other, { paths: ['docs.txt'] });
    await writeFileIn(repo.work, 'notes.txt', 'the user’s own commit\n');
    await gitIn(repo.work, ['add', 'notes.txt']);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'user: notes']);
    await writeDay(repo.work, '2026-11-21', { tokens: 200, fetchedAt: '2026-11-21T06:30:00.000Z' });
    const said: string[] = [];
    const logger = { info: (m: string) => said.push(m), debug: () => {}, warning: () => {}, group: <T>(_: string, body: () => Promise<T>) => body() };

    const result = await publishFrom(repo.work, { logger });

    expect(result).toMatchObject({ pushed: true, pushAttempts: 2 });
    expect(said.some((line) => /changes notes\.txt, outside the ledger; catching up by rebasing instead/.test(line))).toBe(true);
    expect(await logOf(repo.bare, 'main')).toEqual(['ledger: sync', 'user: notes', 'ledger: sync', 'initial commit']);
  });
});
