// One row of the provider side of the fault matrix: from a copy of the good ledger, sync
// again with one fault (a simulator scenario, queued failures, or the fault proxy on the
// completions endpoint), then hold the result to the invariants. A row either recovers
// (every day fetched, nothing to report, the ledger as it was) or fails the days it
// touched with the named finding, keeping their last good snapshots.

import { expect } from 'vitest';
import type { FindingCode } from '../../src/domain/findings.js';
import { startSimulator, type ScenarioName, type Simulator } from '../../src/simulator/index.js';
import { gitIn } from '../helpers/git-repos.js';
import { FAULT_ADMIN_KEY, runFaulted } from '../support/fault-ledger-run.js';
import { type Fault, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type GoodLedgerTemplate, MATRIX_FLAGS, NOW } from './good-ledger.js';
import { expectInvariants } from './invariants.js';

const COMPLETIONS = '/organization/usage/completions';
/** Retries enough for the scenarios' two 429s, few enough that a longer storm outlasts them. */
export const RETRIES = { 'max-retries': '2' };
/** A request that stalls is cut off after a second (and a cut-off is not retried). */
export const SHORT_DEADLINE = { ...RETRIES, 'request-timeout': '1' };

export interface ProviderRow {
  name: string;
  /** Simulator scenarios for the faulty sync (a fresh simulator with the same seed and clock). */
  scenarios?: ScenarioName[];
  /** Failures queued on the simulator before the faulty sync. */
  prepare?: (simulator: Simulator) => void;
  /** A fault the proxy injects on every completions request. */
  fault?: Fault;
  flags?: Record<string, string>;
  /** 'recovers', or the state and finding code of every day the fault touched. */
  expected: 'recovers' | { state: 'missing' | 'partial'; code: FindingCode };
  /** Row-specific checks on top of the invariants. */
  also?: (run: RowRun) => void | Promise<void>;
}

export interface RowRun {
  outcome: Awaited<ReturnType<typeof runFaulted>>;
  work: string;
  simulator: Simulator;
  proxy: FaultProxy | undefined;
}

export async function runProviderRow(template: GoodLedgerTemplate, row: ProviderRow): Promise<void> {
  const repo = await template.clone();
  const simulator = await startSimulator({ now: () => NOW, scenarios: row.scenarios ?? [] });
  let proxy: FaultProxy | undefined;
  try {
    row.prepare?.(simulator);
    const fault = row.fault;
    if (fault) proxy = await startFaultProxy(simulator.url, (request) => (request.path.includes(COMPLETIONS) ? fault : undefined));
    const outcome = await runFaulted('sync', { cwd: repo.work, baseUrl: proxy?.url ?? simulator.url, now: NOW, flags: { ...MATRIX_FLAGS, ...row.flags } });

    expect(outcome.error).toBeUndefined();
    const windows = await expectInvariants({ repo, simulator, good: template.good, outcome, secrets: [FAULT_ADMIN_KEY] });
    const result = outcome.result!;
    const failed = result.run.windows.filter((window) => window.status === 'failed');
    if (row.expected === 'recovers') {
      expect(failed).toEqual([]);
      expect(result.findings).toEqual([]);
      expect(windows).toMatchObject(template.good.windows);
    } else {
      expect(failed.length, 'failed days').toBeGreaterThan(0);
      expect([...new Set(result.findings.map((finding) => finding.code))]).toEqual([row.expected.code]);
      for (const window of failed) {
        expect({ state: windows[window.date]?.state, code: windows[window.date]?.last_error?.code }, window.date).toEqual(row.expected);
      }
    }
    if (proxy) expect(proxy.faulted(), 'requests the proxy faulted').toBeGreaterThan(0);
    // Whatever the run committed is what the remote holds.
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(await gitIn(repo.work, ['rev-parse', 'HEAD']));
    await row.also?.({ outcome, work: repo.work, simulator, proxy });
  } finally {
    await proxy?.close();
    await simulator.close();
    await repo.cleanup();
  }
}
