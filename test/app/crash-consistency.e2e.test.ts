// A backfill killed (SIGKILL: no cleanup at all) at many points, then run again: after the
// kill HEAD's ledger is consistent, and after the re-run the work tree is clean, the
// commit is pushed, and the ledger equals an uninterrupted run's byte for byte (diff
// files aside: they are named by the time of the run that wrote them).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { cliProcess } from '../support/cli-process.js';
import { assertConsistentLedger, treeAtCommit } from '../support/ledger-consistency.js';

const NOW = '2026-11-22T06:30:00Z';
const ENV = { OPENAI_ADMIN_KEY: 'sk-admin-crash-test-0001' };

/** The ledger without its diff files, which are named by the time of the run that wrote them. */
function withoutDiffs(tree: Map<string, string>): Map<string, string> {
  return new Map([...tree].filter(([file]) => !file.startsWith('diffs/')));
}

// Each case runs the CLI twice as real processes over a month of every endpoint; under a
// full parallel suite one case can take longer than the default 30 s.
describe('a backfill killed at any point', { timeout: 90_000 }, () => {
  let simulator: Simulator;
  let scratch: string;
  let renames = 0;
  let reference: Map<string, string>;

  const backfill = (repo: RepoWithRemote, extra: { crashAt?: string; countRenamesTo?: string } = {}) =>
    cliProcess(['backfill', '--days', '30', '--openai-base-url', simulator.url, '--now', NOW], { cwd: repo.work, env: ENV, ...extra });

  beforeAll(async () => {
    simulator = await startSimulator({ now: () => new Date(NOW) });
    scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-crash-'));
    const repo = await createRepoWithRemote();
    try {
      const counted = path.join(scratch, 'renames');
      const clean = await backfill(repo, { countRenamesTo: counted });
      expect(clean.code, clean.stderr).toBe(0);
      renames = Number(await readFile(counted, 'utf8'));
      reference = withoutDiffs(await treeAtCommit(repo.work, 'HEAD'));
      assertConsistentLedger(reference);
    } finally {
      await repo.cleanup();
    }
  }, 60_000);

  afterAll(async () => {
    await simulator?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  // After the first write and half way, after the diff file and after the manifest (the
  // first and last of the last three renames: diff, README, manifest), before the commit,
  // between the commit and the push, and during the push.
  const points = () => ['rename:1', `rename:${Math.round(renames / 2)}`, `rename:${renames - 2}`, `rename:${renames}`, 'git:commit', 'git:push', 'git:push-running'];

  it('writes a known number of files when not killed', () => {
    expect(renames).toBeGreaterThan(200);
    expect(points()).toHaveLength(7);
  });

  it.each(['after the first write', 'half way', 'after the diff file', 'after the manifest', 'before the commit', 'between the commit and the push', 'during the push'].map((name, index) => [name, index] as const))('recovers from a kill %s', async (_name, index) => {
    const point = points()[index]!;
    const repo = await createRepoWithRemote();
    try {
      const killed = await backfill(repo, { crashAt: point });
      expect(killed.signal, `${point}: ${killed.stderr}`).toBe('SIGKILL');
      assertConsistentLedger(await treeAtCommit(repo.work, 'HEAD'));

      const rerun = await backfill(repo);
      expect(rerun.code, `${point}: ${rerun.stderr}`).toBe(0);

      expect(await gitIn(repo.work, ['status', '--porcelain', '--untracked-files=all', '--', 'audit']), point).toBe('');
      const head = await treeAtCommit(repo.work, 'HEAD');
      assertConsistentLedger(head);
      expect(withoutDiffs(head), point).toEqual(reference);
      expect(await gitIn(repo.work, ['rev-parse', 'HEAD']), `${point}: pushed`).toBe(await gitIn(repo.bare, ['rev-parse', 'main']));
    } finally {
      await repo.cleanup();
    }
  });
});
