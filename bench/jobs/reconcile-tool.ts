// The measured job: the real reconcile use case, exactly as the CLI runs it
// (`reconcile --publish none --now <fixed> --max-age <h>`), in a directory outside any git
// repository. Wall and CPU time cover option parsing, loading and checking every record,
// planning, fetching, attribution, rewriting the records and writing the diff file; not
// Node's start-up or module loading. CPU time is this process's own (user + system), so
// the time spent waiting on the provider's latency is not in it.

import { performance } from 'node:perf_hooks';
import { runReconcile } from '../../src/commands/reconcile.js';
import { silentLogger, systemClock } from '../../src/ports.js';
import { parseSettings } from '../../src/settings.js';
import { BENCH_ENV } from './backfill-tool.js';

export interface ReconcileParams {
  /** Base URL ending in /v1. */
  baseUrl: string;
  /** Holds runs/; the diff file goes to its audit/. */
  cwd: string;
  now: string;
  maxAgeHours: number;
}

export interface ReconcileResult {
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Requests as the tool itself counted them, retries included. */
  toolRequests: number;
  /** Runs by outcome (reconciled, data_not_available, overlap, ...). */
  outcomes: Record<string, number>;
  findings: Record<string, number>;
  written: number;
}

export async function reconcileTool(params: ReconcileParams): Promise<ReconcileResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const now = new Date(params.now);
  const settings = parseSettings(
    'reconcile',
    [],
    { 'openai-base-url': params.baseUrl, publish: 'none', now: params.now, 'max-age': String(params.maxAgeHours) },
    BENCH_ENV,
    now,
  );
  // An empty environment: no GitHub or artifact-service variables, so nothing but the
  // loopback base URL can be reached.
  const report = await runReconcile(settings, { cwd: params.cwd, clock: systemClock, logger: silentLogger, env: {} });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const count = (keys: readonly string[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  };
  return {
    wallMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    toolRequests: report.requests,
    outcomes: count(report.runs.map((run) => run.outcome)),
    findings: count(report.findings.map((finding) => finding.code)),
    written: report.written.length,
  };
}
