// `npm start`: the main job end to end against the embedded simulator, in a throwaway
// git repository. A 7-day sync, the same sync again (nothing changes, nothing is
// committed), then the provider restates a settled day and the third sync records it.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../domain/dates.js';
import { EXIT_COMPLETED } from '../errors.js';
import { type Logger, silentLogger, systemClock } from '../ports.js';
import { parseSettings } from '../config/settings.js';
import { type Simulator, startSimulator } from '../simulator/index.js';
import exampleRun from '../../runs/example-agent/run-0001/metrics.json' with { type: 'json' };
import { composeAdapters, type CommandDeps } from './compose.js';
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
    const deps: CommandDeps = { cwd: repo, clock: systemClock, logger: silentLogger, env: {} };
    const env = { OPENAI_ADMIN_KEY: 'sk-admin-demo-key' };
    const settings = parseSettings('sync', [], { 'openai-base-url': simulator.url, now: now.toISOString() }, env, now);
    const { git } = composeAdapters(settings, deps);
    await git.exec(['init', '--quiet', '--initial-branch=main']);
    await git.exec(['-c', `user.name=${LEDGER_IDENTITY.name}`, '-c', `user.email=${LEDGER_IDENTITY.email}`, 'commit', '--quiet', '--allow-empty', '-m', 'Empty audit repository']);
    const sync = async (title: string): Promise<void> => {
      out('');
      out(`== ${title}`);
      const report = await runCommand(settings, composeAdapters(settings, deps));
      for (const line of report.lines) out(`   ${line}`);
    };

    out(`Simulator: ${simulator.url} (a synthetic organization; its data is marked as simulated)`);
    out(`Throwaway audit repository: ${repo}`);
    await sync('1. Sync the last 7 days');
    await sync('2. Sync again: the provider has nothing new, so nothing is written or committed');
    const restated = addDays(now.toISOString().slice(0, 10), -3);
    simulator.restateDay(restated, 3);
    await sync(`3. The provider restates ${restated} (+3% of its completions tokens): the ledger records a revision`);
    await reconcileExample(deps, simulator, env, out);
    const log = await git.exec(['log', '--format=%h %s']);
    out('');
    out('== Where to look');
    out(`   cd ${repo}`);
    out('   git log --stat                                # one commit per run that changed data');
    out('   cat audit/README.md                           # the ledger at a glance');
    out('   cat audit/manifest.json                       # state of every window (provisional, settled, revised)');
    out('   ls audit/snapshots/openai/*/                  # one canonical snapshot per day');
    out('   ls audit/diffs/*/                             # what each run changed, with token deltas');
    out('   cat runs/example-agent/run-0001/metrics.json  # the run record with its reconciled tokens');
    out('');
    for (const line of log.stdout.trim().split('\n')) out(`   ${line}`);
    return EXIT_COMPLETED;
  } finally {
    await simulator.close();
  }
}

/**
 * The shipped example run: one step with zero tokens, as a runner writes it. The provider
 * has 84,604 input and 23,275 output tokens for the run's key in that window, and other
 * keys' traffic in the same minutes; reconcile attributes only the run's own.
 */
async function reconcileExample(deps: CommandDeps, simulator: Simulator, env: Record<string, string>, out: (line: string) => void): Promise<void> {
  const [step] = exampleRun.steps;
  if (!step) return;
  const dir = path.join(deps.cwd, 'runs', 'example-agent', 'run-0001');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'metrics.json'), `${JSON.stringify(exampleRun, null, 2)}\n`);
  const usage = (timestamp: number, api_key_id: string, input_tokens: number, output_tokens: number) => ({
    timestamp, endpoint: 'completions' as const, project_id: 'proj_demo', api_key_id, user_id: 'user-demo', model: 'gpt-4o-2024-08-06', input_tokens, output_tokens, num_model_requests: 1,
  });
  simulator.addEvents([
    usage(step.start_timestamp + 20, 'key_example_agent', 50_000, 12_000),
    usage(step.start_timestamp + 240, 'key_example_agent', 34_604, 11_275),
    usage(step.start_timestamp + 60, 'key_another_team', 70_000, 9_000),
  ]);
  const at = new Date((step.end_timestamp + 3600) * 1000).toISOString();
  out('');
  out('== 4. Reconcile the example run record (runs/example-agent/run-0001): its tokens are zero until the usage API has them');
  const settings = parseSettings('reconcile', [], { 'openai-base-url': simulator.url, now: at }, env, new Date(at));
  const report = await runCommand(settings, composeAdapters(settings, deps));
  for (const line of report.lines) out(`   ${line}`);
}
