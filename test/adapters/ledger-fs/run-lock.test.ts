// Two runs on one checkout take turns through the lock in the git directory; a lock left
// by a killed run is taken over; a live holder is waited for, then named when giving up.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runReconcile } from '../../../src/app/reconcile.js';
import { RUN_LOCK_FILE } from '../../../src/adapters/ledger-fs/run-lock.js';
import { silentLogger } from '../../../src/ports.js';
import { parseSettings } from '../../../src/config/settings.js';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../../helpers/git-repos.js';
import { assertConsistentLedger, treeAtCommit } from '../../support/ledger-consistency.js';
import { ADMIN_ENV, recordingClock, runLedger } from '../../support/ledger-run.js';
import { composeAdapters } from '../../../src/app/compose.js';

const EARLY = new Date('2026-11-12T06:30:00Z');
const LATE = new Date('2026-11-22T06:30:00Z');

/** A process that lives until killed, or one that has already exited. */
function nodeProcess(code: string) {
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  return { pid: child.pid!, exited: new Promise<void>((resolve) => child.on('exit', () => resolve())), kill: () => child.kill('SIGKILL') };
}

async function writeLock(gitDir: string, pid: number, command = 'backfill') {
  const holder = { token: 'someone-else', pid, host: hostname(), command, started_at: '2026-11-22T06:00:00.000Z' };
  await writeFile(path.join(gitDir, RUN_LOCK_FILE), `${JSON.stringify(holder)}\n`);
}

describe('the run lock', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let gitDir: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    simulator = await startSimulator({ now: () => LATE });
    gitDir = path.join(repo.work, '.git');
  });

  afterEach(async () => {
    await simulator.close();
    await repo.cleanup();
  });

  it('serializes two runs on one checkout: both days ranges end in one consistent ledger', async () => {
    const [early, late] = await Promise.all([
      runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: EARLY }),
      runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: LATE }),
    ]);
    expect(early.commitSha).not.toBeNull();
    expect(late.commitSha).not.toBeNull();

    const manifest = assertConsistentLedger(await treeAtCommit(repo.work, 'HEAD'));
    expect(Object.keys(manifest.windows.openai ?? {}).sort()).toEqual([
      ...['06', '07', '08', '09', '10', '11', '12'].map((day) => `2026-11-${day}`),
      ...['16', '17', '18', '19', '20', '21', '22'].map((day) => `2026-11-${day}`),
    ]);
    expect(await gitIn(repo.work, ['status', '--porcelain', '--', 'audit'])).toBe('');
    expect(existsSync(path.join(gitDir, RUN_LOCK_FILE))).toBe(false);
  });

  // The lock waits out the one real second --lock-timeout allows; that it then gives up
  // rather than waiting on is bounded by the test's own timeout, not by reading a clock.
  it('waits for a live holder, then gives up naming its command and process', { timeout: 5_000 }, async () => {
    const holder = nodeProcess('setInterval(() => {}, 1000)');
    try {
      await writeLock(gitDir, holder.pid);
      const run = runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: LATE, flags: { 'lock-timeout': '1' } });
      await expect(run).rejects.toThrow(new RegExp(`another usage-ledger run holds the lock on this checkout \\(\`backfill\` in process ${holder.pid} on .*\\); gave up after 1 s \\(--lock-timeout\\)`));
      expect(simulator.requestLog).toHaveLength(0);
      expect(existsSync(path.join(gitDir, RUN_LOCK_FILE))).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it('holds reconcile too: it gives up on a live holder before asking the provider anything', async () => {
    const holder = nodeProcess('setInterval(() => {}, 1000)');
    try {
      await writeLock(gitDir, holder.pid, 'sync');
      const settings = parseSettings('reconcile', [], { 'openai-base-url': simulator.url, now: LATE.toISOString(), 'lock-timeout': '1' }, ADMIN_ENV, LATE);
      const run = runReconcile(settings, composeAdapters(settings, { cwd: repo.work, clock: recordingClock(LATE), logger: silentLogger, env: {} }));
      await expect(run).rejects.toThrow(new RegExp(`\\(\`sync\` in process ${holder.pid} on .*\\); gave up after 1 s`));
      expect(simulator.requestLog).toHaveLength(0);
    } finally {
      holder.kill();
    }
  });

  it('takes over the lock of a process that no longer exists', async () => {
    const gone = nodeProcess('');
    await gone.exited;
    await writeLock(gitDir, gone.pid);

    const result = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: LATE, flags: { 'lock-timeout': '1' } });

    expect(result.commitSha).not.toBeNull();
    expect(existsSync(path.join(gitDir, RUN_LOCK_FILE))).toBe(false);
  });
});
