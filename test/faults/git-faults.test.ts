// The fault matrix, git side: pushes that race an unrelated commit or another ledger run,
// two runs at once on one checkout, a symlink planted in the ledger and the git directory
// given as the audit directory. Real git on clones of a local bare remote throughout.

import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { LedgerSymlinkError } from '../../src/adapters/ledger-fs/no-symlinks.js';
import { main } from '../../src/shell/cli-main.js';
import { startSimulator } from '../../src/simulator/index.js';
import { gitIn, logOf } from '../helpers/git-repos.js';
import { FAULT_ADMIN_KEY, runFaulted } from '../support/fault-ledger-run.js';
import { readTree } from '../support/ledger-run.js';
import { goodLedgerTemplate, type GoodLedgerTemplate, MATRIX_FLAGS, NOW } from './good-ledger.js';
import { expectInvariants } from './invariants.js';

/** A day after the good ledger: its sync writes a new day, so it has something to push. */
const LATER = new Date('2026-11-23T06:30:00Z');
/** Days before the good ledger's, for a second writer whose days do not overlap. */
const EARLIER_DAYS = { 'start-date': '2026-11-12', 'end-date': '2026-11-15' };
const SECRETS = [FAULT_ADMIN_KEY];

// Each row sets up its own clone and provider, so the rows run side by side.
describe.concurrent('fault matrix: git', () => {
  let template: GoodLedgerTemplate;

  beforeAll(async () => {
    template = await goodLedgerTemplate();
  });

  afterAll(async () => {
    await template.cleanup();
  });

  /** A copy of the good ledger, and the provider as it stands at `providerNow`. */
  async function setUp(onTestFinished: TestContext['onTestFinished'], providerNow: Date) {
    const repo = await template.clone();
    const simulator = await startSimulator({ now: () => providerNow });
    onTestFinished(async () => {
      await simulator.close();
      await repo.cleanup();
    });
    return {
      repo,
      simulator,
      sync: (cwd: string, now: Date) => runFaulted('sync', { cwd, baseUrl: simulator.url, now, flags: MATRIX_FLAGS }),
      backfillEarlierDays: (cwd: string) =>
        runFaulted('backfill', { cwd, baseUrl: simulator.url, now: NOW, flags: { endpoints: MATRIX_FLAGS.endpoints, ...EARLIER_DAYS } }),
    };
  }

  it('push race with an unrelated commit: the ledger commit is replayed on top of it and pushed', async ({ onTestFinished }) => {
    const { repo, simulator, sync } = await setUp(onTestFinished, LATER);
    const other = await repo.cloneAnother();
    await writeFile(path.join(other, 'README.md'), '# ledger\n\nAn unrelated change.\n');
    await gitIn(other, ['commit', '--quiet', '-am', 'unrelated README change']);
    await gitIn(other, ['push', '--quiet', 'origin', 'main']);

    const outcome = await sync(repo.work, LATER);

    expect(outcome.error).toBeUndefined();
    await expectInvariants({ repo, simulator, good: template.good, outcome, secrets: SECRETS });
    expect((await logOf(repo.bare, 'main')).slice(0, 2)).toEqual(['usage-ledger sync: openai 2026-11-19..2026-11-23', 'unrelated README change']);
    expect(await gitIn(repo.bare, ['show', 'main:README.md'])).toContain('An unrelated change.');
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(await gitIn(repo.work, ['rev-parse', 'HEAD']));
  });

  it('push race with another ledger run on other days: both push, the remote holds both', async ({ onTestFinished }) => {
    const { repo, simulator, sync, backfillEarlierDays } = await setUp(onTestFinished, LATER);
    const other = await repo.cloneAnother();
    const first = await backfillEarlierDays(other);
    const second = await sync(repo.work, LATER);

    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    await expectInvariants({ repo, simulator, good: template.good, outcome: second, secrets: SECRETS });
    expect((await logOf(repo.bare, 'main')).slice(0, 2)).toEqual(['usage-ledger sync: openai 2026-11-19..2026-11-23', 'usage-ledger backfill: openai 2026-11-12..2026-11-15']);
    const manifest = JSON.parse(await gitIn(repo.bare, ['show', 'main:audit/manifest.json']));
    expect(Object.keys(manifest.windows.openai)).toHaveLength(10);
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(await gitIn(repo.work, ['rev-parse', 'HEAD']));
  });

  it('two runs at once on one checkout: the second waits for the run lock, both commit and push', async ({ onTestFinished }) => {
    const { repo, simulator, sync, backfillEarlierDays } = await setUp(onTestFinished, LATER);
    const [backfill, later] = await Promise.all([backfillEarlierDays(repo.work), sync(repo.work, LATER)]);

    expect(backfill.error).toBeUndefined();
    expect(later.error).toBeUndefined();
    expect(backfill.log + later.log).toContain('waiting for another usage-ledger run on this checkout');
    for (const outcome of [backfill, later]) await expectInvariants({ repo, simulator, good: template.good, outcome, secrets: SECRETS });
    const subjects = await logOf(repo.bare, 'main');
    expect(subjects).toContain('usage-ledger sync: openai 2026-11-19..2026-11-23');
    expect(subjects).toContain('usage-ledger backfill: openai 2026-11-12..2026-11-15');
    expect(await gitIn(repo.work, ['status', '--porcelain'])).toBe('');
  });

  it('a symlinked month directory: the run stops naming the link, writes nothing through it, commits nothing', async ({ onTestFinished }) => {
    // Nothing is fetched: the ledger is judged against the provider as it was when written.
    const { repo, simulator, sync } = await setUp(onTestFinished, NOW);
    const outside = realpathSync(await mkdtemp(path.join(tmpdir(), 'usage-ledger-outside-')));
    try {
      const month = path.join(repo.work, 'audit/snapshots/openai/2026-11');
      await rename(month, path.join(outside, '2026-11'));
      await symlink(path.join(outside, '2026-11'), month);
      const outsideBefore = await readTree(outside);
      const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);

      const outcome = await sync(repo.work, NOW);

      expect(outcome.error).toBeInstanceOf(LedgerSymlinkError);
      expect((outcome.error as LedgerSymlinkError).link).toBe(month);
      expect(outcome.log).toContain(month);
      expect(await readTree(outside)).toEqual(outsideBefore);
      expect(simulator.requestLog).toHaveLength(0);
      expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);
      expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(head);
      await expectInvariants({ repo, simulator, good: template.good, outcome, secrets: SECRETS, workTree: false });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('--audit-dir .git: a usage error (exit 2) naming the input, nothing written to the git directory', async ({ onTestFinished }) => {
    const { repo, simulator } = await setUp(onTestFinished, NOW);
    const gitDir = path.join(repo.work, '.git');
    const before = await readTree(gitDir);
    let log = '';
    const io = { cwd: repo.work, env: { OPENAI_ADMIN_KEY: FAULT_ADMIN_KEY }, stdout: (text: string) => void (log += text), stderr: (text: string) => void (log += text) };

    const code = await main(['sync', '--audit-dir', '.git', '--openai-base-url', simulator.url, '--now', NOW.toISOString()], io);

    expect(code).toBe(2);
    expect(log).toMatch(/^usage-ledger: audit-dir: .*git directory/);
    expect(await readTree(gitDir)).toEqual(before);
    expect(simulator.requestLog).toHaveLength(0);
    await expectInvariants({ repo, simulator, good: template.good, outcome: { log }, secrets: SECRETS });
  });
});
