// Two writers of one ledger at once: real syncs against the simulator, from two clones of
// one bare remote, each made before the other pushed. The second push is refused and its
// ledger commit is replayed onto the first, so both publish; only a day both wrote with
// different content stops it, and then nothing is lost.

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { canonicalJson } from '../../src/lib/json/json.js';
import { buildLedgerReadme } from '../../src/domain/ledger-readme.js';
import type { ManifestContent } from '../../src/domain/manifest-merge.js';
import { assertValid } from '../../src/adapters/ledger-fs/schema-validator.js';
import { LedgerConflictError } from '../../src/adapters/git/ledger-rebase.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, logOf, type RepoWithRemote } from '../helpers/git-repos.js';
import { runLedger } from '../support/ledger-run.js';

const LATER = new Date('2026-11-22T06:30:00Z');
const EARLIER = new Date('2026-11-15T06:30:00Z');

const show = (dir: string, spec: string) => gitIn(dir, ['show', spec]).then((text) => `${text}\n`);

/** The remote's ledger must describe exactly the files it holds. */
async function expectConsistentLedger(bare: string): Promise<ManifestContent> {
  const text = await show(bare, 'main:audit/manifest.json');
  const manifest = JSON.parse(text) as ManifestContent;
  assertValid('manifest', manifest, 'audit/manifest.json');
  expect(text).toBe(canonicalJson(manifest));
  expect(await show(bare, 'main:audit/README.md')).toBe(buildLedgerReadme(manifest.windows, manifest.origin));
  for (const [date, entry] of Object.entries(manifest.windows.openai ?? {})) {
    const snapshot = await show(bare, `main:audit/snapshots/openai/${date.slice(0, 7)}/${date}.json`);
    expect(createHash('sha256').update(snapshot).digest('hex'), date).toBe(entry.sha256);
  }
  return manifest;
}

describe('two syncs from two clones of one remote', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator | undefined;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
  });

  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
    await repo.cleanup();
  });

  it('both push when they cover different days, and the remote holds both weeks', async () => {
    simulator = await startSimulator({ now: () => LATER });
    const other = await repo.cloneAnother();

    const first = await runLedger('sync', { cwd: other, baseUrl: simulator.url, now: EARLIER });
    const second = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: LATER });

    expect(first.published.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(second.published.commitSha).toBe(await gitIn(repo.bare, ['rev-parse', 'main']));
    expect(await gitIn(repo.bare, ['rev-parse', 'main~1'])).toBe(first.published.commitSha);
    expect(await logOf(repo.bare, 'main')).toEqual([
      'usage-ledger sync: openai 2026-11-16..2026-11-22',
      'usage-ledger sync: openai 2026-11-09..2026-11-15',
      'initial commit',
    ]);
    const manifest = await expectConsistentLedger(repo.bare);
    expect(Object.keys(manifest.windows.openai ?? {})).toEqual(Array.from({ length: 14 }, (_, i) => addDays('2026-11-09', i)));
    expect(manifest.origin).toBe('simulator');
    const diffs = (await gitIn(repo.bare, ['ls-tree', '-r', '--name-only', 'main', 'audit/diffs'])).split('\n');
    expect(diffs).toHaveLength(2);
    // The second checkout is now the published ledger, with nothing left uncommitted.
    expect(await gitIn(repo.work, ['status', '--porcelain'])).toBe('');
  });

  it('fails, naming the day, when both wrote one day with different content, and keeps the local commit', async () => {
    simulator = await startSimulator({ now: () => LATER });
    const other = await repo.cloneAnother();
    await runLedger('sync', { cwd: other, baseUrl: simulator.url, now: LATER });
    const published = await gitIn(repo.bare, ['rev-parse', 'main']);
    // The provider restates a day between the two fetches.
    const restated = addDays('2026-11-22', -4);
    simulator.restateDay(restated, 5);

    // The push fails; the alarm step still runs, and the failure is reported with the result.
    const result = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: LATER });
    expect(result.published.failures.map((failure) => failure.step)).toEqual(['commit']);
    const error = result.published.failures[0]?.error;

    expect(error).toBeInstanceOf(LedgerConflictError);
    expect((error as LedgerConflictError).days).toEqual([{ provider: 'openai', date: restated }]);
    expect((error as Error).message).toContain(`openai ${restated}`);
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(published);
    // Nothing lost: this run's commit is still there, unpushed, and the checkout is clean.
    expect((await logOf(repo.work, 'HEAD'))[0]).toBe('usage-ledger sync: openai 2026-11-16..2026-11-22');
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD~1'])).toBe(await gitIn(repo.bare, ['rev-parse', 'main~1']));
    expect(await gitIn(repo.work, ['status', '--porcelain'])).toBe('');
  });
});
