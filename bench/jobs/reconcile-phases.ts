// Where reconcile's CPU goes: the same steps the command takes, called one by one in a
// fresh process on a copy of the same runs, with the CPU time of each. The in-memory part
// (plan + attribution + building the new records) is what the 100,000 steps cost by
// themselves; loading and rewriting are what 10,000 files cost. Fetching is timed but
// not part of either (it is mostly waiting on the provider's latency).

import { performance } from 'node:perf_hooks';
import { attributeUsage, type MinuteUsage, queryRange } from '../../src/domain/attribution.js';
import { planReconcile, runWindowSeconds, TIME_UNITS_PER_SECOND } from '../../src/app/reconcile-plan.js';
import { reconciledRecord } from '../../src/app/reconcile-apply.js';
import { silentLogger, systemClock } from '../../src/ports.js';
import { createHttpClient } from '../../src/adapters/http/client.js';
import { fetchMinuteUsage } from '../../src/adapters/openai/minute-usage.js';
import { loadRuns } from '../../src/adapters/run-records/load.js';
import { type RunRecord } from '../../src/adapters/run-records/types.js';
import { writeRun } from '../../src/adapters/run-records/serialize.js';
import { BENCH_ENV } from '../in-process-backfill.js';

export interface PhasesParams {
  baseUrl: string;
  /** A copy of the runs directory this job may rewrite. */
  runsDir: string;
  now: string;
  maxAgeHours: number;
}

export interface Phase {
  name: string;
  cpuMs: number;
  wallMs: number;
}

export interface PhasesResult {
  phases: Phase[];
  steps: number;
  runs: number;
}

export async function reconcilePhases(params: PhasesParams): Promise<PhasesResult> {
  const phases: Phase[] = [];
  const timed = async <T>(name: string, body: () => Promise<T> | T): Promise<T> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await body();
    const used = process.cpuUsage(cpu);
    phases.push({ name, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started });
    return result;
  };
  const now = new Date(params.now);

  const loaded = await timed('load (discover, read, parse, validate)', () => loadRuns(params.runsDir, undefined, now));
  const plan = await timed('plan', () =>
    planReconcile(loaded.runs, { now, minAgeMinutes: 30, maxAgeHours: params.maxAgeHours, force: false, allowUnscoped: false, scopeMap: new Map() }),
  );

  const http = createHttpClient({ clock: systemClock, secrets: [BENCH_ENV.OPENAI_ADMIN_KEY], logger: silentLogger });
  const connection = { baseUrl: params.baseUrl, adminKey: BENCH_ENV.OPENAI_ADMIN_KEY, http, logger: silentLogger };
  const usage = new Map<string, { range: { start: number; end: number }; buckets: MinuteUsage[] }>();
  try {
    await timed('fetch (waiting on latency)', async () => {
      for (const [key, group] of plan.scopes) {
        // As the command does: the query in whole seconds, attribution in its finer units.
        const range = queryRange(group.selected.map(runWindowSeconds), 60);
        if (!range) continue;
        const { buckets } = await fetchMinuteUsage(connection, group.scope, range);
        usage.set(key, { range, buckets: buckets.map((bucket) => ({ ...bucket, start: bucket.start * TIME_UNITS_PER_SECOND, end: bucket.end * TIME_UNITS_PER_SECOND })) });
      }
    });
  } finally {
    await http.close();
  }

  const attributions = await timed('attribute', () => {
    const result = new Map<string, ReturnType<typeof attributeUsage>>();
    for (const [key, group] of plan.scopes) result.set(key, attributeUsage(group.participants, usage.get(key)?.buckets ?? []));
    return result;
  });

  const updates = await timed('build records', () => {
    const built: Array<{ entry: (typeof plan.runs)[number]; record: RunRecord }> = [];
    for (const [key, group] of plan.scopes) {
      const range = usage.get(key)!.range;
      const query = { start_time: range.start, end_time: range.end, bucket_width: '1m' as const };
      for (const entry of group.selected) {
        const figure = attributions.get(key)!.runs.get(entry.id)!;
        built.push({ entry, record: reconciledRecord(entry.run.record, figure, { reconciledAt: params.now, scope: group.scope, query, requests: 1 }) });
      }
    }
    return built;
  });

  await timed('rewrite (validate, serialize, re-read, atomic write)', async () => {
    for (const { entry, record } of updates) writeRun(entry.run, record);
  });

  return { phases, steps: loaded.runs.reduce((sum, run) => sum + run.record.steps.length, 0), runs: loaded.runs.length };
}
