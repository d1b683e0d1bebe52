// `npm start`: the main job end to end against the embedded simulator, in a throwaway
// git repository. A 7-day sync, the same sync again (nothing changes, nothing is
// committed), then the provider restates a settled day and the third sync records it.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../core/dates.js';
import { EXIT_COMPLETED } from '../errors.js';
import { type Logger, silentLogger, systemClock } from '../ports.js';
import { createGit } from '../publish/git.js';
import { parseSettings } from '../settings.js';
import { startSimulator } from '../simulator/index.js';
import { runCommand } from './dispatch.js';
import { LEDGER_IDENTITY } from './publish-commit.js';

export interface DemoOptions {
  logger: Logger;
  out: (line: string) => void;
  /** Where to make the throwaway repository (default: the system's temporary directory). */
  parent?: string;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const now = new Date();
  const simulator = await startSimulator({ now: () => now });
  try {
    const repo = await mkdtemp(path.join(options.parent ?? tmpdir(), 'usage-ledger-demo-'));
    const git = createGit(repo);
    await git.exec(['init', '--quiet', '--initial-branch=main']);
    await git.exec(['-c', `user.name=${LEDGER_IDENTITY.name}`, '-c', `user.email=${LEDGER_IDENTITY.email}`, 'commit', '--quiet', '--allow-empty', '-m', 'Empty audit repository']);
    const env = { OPENAI_ADMIN_KEY: 'sk-admin-demo-key' };
    const sync = async (title: string): Promise<void> => {
      out('');
      out(`== ${title}`);
      const settings = parseSettings('sync', [], { 'openai-base-url': simulator.url, now: now.toISOString() }, env, now);
      const report = await runCommand(settings, { cwd: repo, clock: systemClock, logger: silentLogger });
      for (const line of report.lines) out(`   ${line}`);
    };

    out(`Simulator: ${simulator.url} (a synthetic organization; its data is marked as simulated)`);
    out(`Throwaway audit repository: ${repo}`);
    await sync('1. Sync the last 7 days');
    await sync('2. Sync again: the provider has nothing new, so nothing is written or committed');
    const restated = addDays(now.toISOString().slice(0, 10), -3);
    simulator.restateDay(restated, 3);
    await sync(`3. The provider restates ${restated} (+3% of its completions tokens): the ledger records a revision`);
    const log = await git.exec(['log', '--format=%h %s']);
    out('');
    out('== Where to look');
    out(`   cd ${repo}`);
    out('   git log --stat                       # one commit per run that changed data');
    out('   cat audit/manifest.json              # state of every window (provisional, settled, revised)');
    out(`   ls audit/snapshots/openai/*/          # one canonical snapshot per day`);
    out('   ls audit/diffs/*/                      # what each run changed, with token deltas');
    out('');
    for (const line of log.stdout.trim().split('\n')) out(`   ${line}`);
    return EXIT_COMPLETED;
  } finally {
    await simulator.close();
  }
}
