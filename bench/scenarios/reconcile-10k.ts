// Reconcile 10,000 runs of 10 steps (100,000 steps) over 3 days on 5 API-key scopes,
// against the simulator with 100 ms latency and a 60 requests-per-minute limit. Are
// requests at the lower bound (one 1-minute page per 1,440 minutes a scope's runs cover),
// and does local processing stay within 3 times the CPU of the file work alone (the
// floor, measured in the same run) and under 512 MiB? Beside the tool, the two
// strategies older tools use (one request per step, one per run) are priced with the same
// latency and limit, since running them would take hours to days.
//
// The tool is the built action (`node dist/index.js`), as the runner starts it; its CPU
// time and peak memory are the whole process's, Node's start-up and module loading
// included. The provider's latency makes wall time mostly waiting, so CPU time (which
// excludes waiting) is what is judged. Correctness is checked too: every record must validate,
// every run must be reconciled, and each scope's runs must add up to the simulator's
// truth for that key, to the token.

import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runBuiltAction } from '../built-action.js';
import { runJob } from '../child-process.js';
import { flushDisk, MiB, removeDir, treeDifferences, treeDigest, type TreeDigest } from '../files.js';
import { coveredMinutes, generateWorkload, type GeneratedRun, writeWorkload, type WorkloadShape } from '../reconcile-workload.js';
import type { Scenario, ScenarioContext, ScenarioMeasurement } from '../scenario.js';
import { BENCH_ENV } from '../in-process-backfill.js';
import { median } from '../stats.js';
import { recordProblem } from '../../src/adapters/run-records/step-checks.js';
import { type RunRecord } from '../../src/adapters/run-records/types.js';
import { schemaProblem } from '../../src/adapters/run-records/metrics-validator.js';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';

const SHAPE: WorkloadShape = {
  scopes: 5,
  runsPerScope: 2_000,
  stepsPerRun: 10,
  startDay: Date.UTC(2026, 2, 2) / 1000,
  days: 3,
  seed: 20_260_302,
};
/** Two hours after the last day: every run is past --min-age and, with --max-age 96, none is too old. */
const NOW = new Date((SHAPE.startDay + SHAPE.days * 86_400 + 2 * 3_600) * 1000).toISOString();
const MAX_AGE_HOURS = 96;

const LATENCY_MS = 100;
const REQUESTS_PER_MINUTE = 60;
/** The provider's limit on one-minute buckets in one usage page. */
const MINUTE_BUCKETS_PER_PAGE = 1_440;

/** The command's CPU may be at most this many times the file-I/O floor's, measured in the same run. */
const TARGET_CPU_FLOOR_RATIO = 3;
const TARGET_PEAK_MIB = 512;

/**
 * Wall time of `requests` sequential requests when each takes `LATENCY_MS` and at most
 * `REQUESTS_PER_MINUTE` may start in any 60 s (the simulator's sliding window), for a
 * client that waits exactly as long as the limit demands and so never sees a 429:
 * request i starts at max(end of request i-1, start of request i-60 + 60 s).
 */
export function simulatedWallSeconds(requests: number): number {
  const latency = LATENCY_MS / 1000;
  const starts = new Float64Array(REQUESTS_PER_MINUTE);
  let previous = -latency;
  for (let index = 0; index < requests; index += 1) {
    const windowFree = index >= REQUESTS_PER_MINUTE ? starts[index % REQUESTS_PER_MINUTE]! + 60 : 0;
    previous = Math.max(previous + latency, windowFree);
    starts[index % REQUESTS_PER_MINUTE] = previous;
  }
  return requests === 0 ? 0 : previous + latency;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const grouped = (value: number): string => value.toLocaleString('en-US');

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
}

/** Tokens of `events` per minute (unix minute number), for one key. */
function minuteTotals(events: readonly SimEvent[], apiKeyId: string): Map<number, { input: number; output: number }> {
  const totals = new Map<number, { input: number; output: number }>();
  for (const event of events) {
    if (event.api_key_id !== apiKeyId) continue;
    const minute = Math.floor(event.timestamp / 60);
    const total = totals.get(minute) ?? { input: 0, output: 0 };
    total.input += event.input_tokens ?? 0;
    total.output += event.output_tokens ?? 0;
    totals.set(minute, total);
  }
  return totals;
}

interface Checked {
  problems: string[];
  /** Runs whose minutes no other run shares, and groups of runs chained by shared minutes. */
  alone: number;
  chains: number;
  apportionedSteps: number;
}

/**
 * Reads every record the tool rewrote and checks it: valid against the schema and the step
 * checks, reconciled, steps summing to the run; each scope's runs summing to the
 * simulator's truth for its key; and each group of runs chained by shared minutes summing
 * to the usage of exactly those minutes (a lone run: its own minutes, to the token).
 */
async function verify(runsDir: string, runs: readonly GeneratedRun[], events: readonly SimEvent[], simulator: Simulator, apiKeyIds: readonly string[]): Promise<Checked> {
  const problems: string[] = [];
  const now = new Date(NOW);
  const tokens = new Map<string, { input: number; output: number }>();
  let apportionedSteps = 0;
  for (const run of runs) {
    const relative = `${run.framework}/${run.runId}/metrics.json`;
    const record = JSON.parse(await readFile(path.join(runsDir, relative), 'utf8')) as RunRecord;
    const problem = schemaProblem(record) ?? recordProblem(record, run.runId, now);
    if (problem) problems.push(`${relative}: ${problem.field} ${problem.reason}`);
    if (record.usage_api_reconciliation?.status !== 'success') problems.push(`${relative}: not reconciled`);
    const stepsIn = record.steps.reduce((sum, step) => sum + step.tokens_in, 0);
    const stepsOut = record.steps.reduce((sum, step) => sum + step.tokens_out, 0);
    if (stepsIn !== record.aggregate_metrics.TOK_IN || stepsOut !== record.aggregate_metrics.TOK_OUT) problems.push(`${relative}: steps do not sum to TOK_IN/TOK_OUT`);
    apportionedSteps += record.usage_api_reconciliation?.steps_updated?.filter((step) => step.method === 'apportioned').length ?? 0;
    tokens.set(`${run.framework}/${run.runId}`, { input: record.aggregate_metrics.TOK_IN, output: record.aggregate_metrics.TOK_OUT });
  }

  for (const apiKeyId of apiKeyIds) {
    const truth = simulator.truth({ endpoint: 'completions', start: SHAPE.startDay, end: SHAPE.startDay + SHAPE.days * 86_400, api_key_ids: [apiKeyId] });
    let input = 0;
    let output = 0;
    for (const run of runs) {
      if (run.apiKeyId !== apiKeyId) continue;
      const figure = tokens.get(`${run.framework}/${run.runId}`)!;
      input += figure.input;
      output += figure.output;
    }
    if (input !== truth.input_tokens || output !== truth.output_tokens) {
      problems.push(`${apiKeyId}: runs hold ${input} in / ${output} out, the simulator's truth is ${truth.input_tokens} in / ${truth.output_tokens} out`);
    }
  }

  let alone = 0;
  let chains = 0;
  for (const apiKeyId of apiKeyIds) {
    const perMinute = minuteTotals(events, apiKeyId);
    const scopeRuns = runs.filter((run) => run.apiKeyId === apiKeyId).sort((a, b) => a.steps[0]!.start - b.steps[0]!.start);
    let index = 0;
    while (index < scopeRuns.length) {
      // A chain: runs whose first minute is the previous run's last minute.
      const chain = [scopeRuns[index]!];
      while (index + chain.length < scopeRuns.length) {
        const next = scopeRuns[index + chain.length]!;
        const previous = chain[chain.length - 1]!;
        if (Math.floor(next.steps[0]!.start / 60) > Math.floor((previous.steps[previous.steps.length - 1]!.end - 1) / 60)) break;
        chain.push(next);
      }
      index += chain.length;
      if (chain.length === 1) alone += 1;
      else chains += 1;
      const firstMinute = Math.floor(chain[0]!.steps[0]!.start / 60);
      const last = chain[chain.length - 1]!;
      const lastMinute = Math.floor((last.steps[last.steps.length - 1]!.end - 1) / 60);
      let expectedIn = 0;
      let expectedOut = 0;
      for (let minute = firstMinute; minute <= lastMinute; minute += 1) {
        expectedIn += perMinute.get(minute)?.input ?? 0;
        expectedOut += perMinute.get(minute)?.output ?? 0;
      }
      const actualIn = chain.reduce((sum, run) => sum + tokens.get(`${run.framework}/${run.runId}`)!.input, 0);
      const actualOut = chain.reduce((sum, run) => sum + tokens.get(`${run.framework}/${run.runId}`)!.output, 0);
      if (actualIn !== expectedIn || actualOut !== expectedOut) {
        problems.push(`${chain.map((run) => `${run.framework}/${run.runId}`).join(' + ')}: ${actualIn} in / ${actualOut} out, their minutes hold ${expectedIn} / ${expectedOut}`);
      }
    }
  }
  return { problems, alone, chains, apportionedSteps };
}

async function simulatorWithWorkload(events: SimEvent[]): Promise<Simulator> {
  const simulator = await startSimulator({
    org: 'empty',
    now: () => new Date(NOW),
    host: '127.0.0.1',
    latencyMs: LATENCY_MS,
    maxRequestsPerMinute: REQUESTS_PER_MINUTE,
  });
  simulator.addEvents(events);
  return simulator;
}

async function run(context: ScenarioContext): Promise<ScenarioMeasurement> {
  const notes: string[] = [];
  const problems: string[] = [];

  const workload = generateWorkload(SHAPE);
  const pristine = path.join(context.workDir, 'pristine', 'runs');
  const recordBytes = await writeWorkload(pristine, workload.runs);
  const steps = workload.runs.reduce((sum, generated) => sum + generated.steps.length, 0);
  const backToBack = workload.runs.filter((generated, index) => {
    const previous = workload.runs[index - 1];
    return previous?.apiKeyId === generated.apiKeyId && previous.steps[previous.steps.length - 1]!.end === generated.steps[0]!.start;
  }).length;
  context.log(
    `generated ${grouped(workload.runs.length)} runs, ${grouped(steps)} steps (${(recordBytes / MiB).toFixed(1)} MiB of records), ` +
      `${grouped(workload.events.length)} usage events; ${grouped(backToBack)} runs start the second the previous one ended`,
  );

  const coverage = workload.apiKeyIds.map((apiKeyId) => coveredMinutes(workload.runs.filter((generated) => generated.apiKeyId === apiKeyId)));
  const lowerBound = coverage.reduce((sum, minutes) => sum + Math.ceil(minutes / MINUTE_BUCKETS_PER_PAGE), 0);

  const tools: Array<{ wallMs: number; cpuMs: number; cpuUserMs: number; cpuSystemMs: number; peakMiB: number; requests: number }> = [];
  const phaseSamples = new Map<string, number[]>();
  const floors: Array<{ cpuMs: number; wallMs: number; peakMiB: number }> = [];
  let first: TreeDigest | undefined;
  for (let round = 1; round <= context.repeat; round += 1) {
    const cwd = path.join(context.workDir, `tool-${round}`);
    const phasesDir = path.join(context.workDir, `phases-${round}`);
    await cp(pristine, path.join(cwd, 'runs'), { recursive: true });
    await cp(pristine, path.join(phasesDir, 'runs'), { recursive: true });
    // A fresh simulator each round, so its rate-limit window holds no earlier round's requests.
    const simulator = await simulatorWithWorkload(workload.events);
    try {
      flushDisk();
      const execArgv = context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : [];
      const tool = await runBuiltAction(
        { command: 'reconcile', 'openai-base-url': simulator.url, publish: 'none', now: NOW, 'max-age': String(MAX_AGE_HOURS) },
        { workspace: cwd, secrets: BENCH_ENV, execArgv },
      );
      const requests = simulator.requestLog.length;
      const refused = simulator.requestLog.filter((request) => request.status !== 200).length;
      const cpuMs = tool.cpuUserMs + tool.cpuSystemMs;
      tools.push({ wallMs: tool.wallMs, cpuMs, cpuUserMs: tool.cpuUserMs, cpuSystemMs: tool.cpuSystemMs, peakMiB: tool.peakMiB, requests });
      const outcomes = { reconciled: tool.outputs['runs-reconciled'], pending: tool.outputs['runs-pending'], failed: tool.outputs['runs-failed'] };
      context.log(
        `round ${round}: reconcile ${(tool.wallMs / 1000).toFixed(2)} s wall, ${cpuMs.toFixed(0)} ms CPU ` +
          `(${tool.cpuUserMs.toFixed(0)} user + ${tool.cpuSystemMs.toFixed(0)} system), ${requests} requests, peak ${tool.peakMiB.toFixed(1)} MiB, ` +
          `runs ${JSON.stringify(outcomes)}`,
      );
      if (tool.exitCode !== 0) problems.push(`round ${round}: the action exited ${tool.exitCode}: ${tool.log.slice(-500)}`);
      if (refused > 0) problems.push(`round ${round}: the simulator refused or failed ${refused} request(s)`);
      if (outcomes.reconciled !== String(workload.runs.length)) {
        problems.push(`round ${round}: ${outcomes.reconciled ?? 'no'} of ${workload.runs.length} runs reconciled (${JSON.stringify(outcomes)})`);
      }
      const findings = JSON.parse(tool.outputs['issues-by-code'] ?? '{}') as Record<string, number>;
      const unexpected = Object.keys(findings).filter((code) => code !== 'STALE_LEDGER');
      if (unexpected.length > 0) problems.push(`round ${round}: findings ${JSON.stringify(findings)}`);

      const checked = await verify(path.join(cwd, 'runs'), workload.runs, workload.events, simulator, workload.apiKeyIds);
      if (checked.problems.length > 0) problems.push(`round ${round}: ${checked.problems.length} correctness problem(s), e.g. ${checked.problems.slice(0, 3).join('; ')}`);
      if (round === 1) {
        notes.push(
          `checked: ${grouped(workload.runs.length)} records validate and are reconciled; each scope's runs sum to the simulator's truth for its key; ` +
            `${grouped(checked.alone)} lone runs equal their own minutes and ${grouped(checked.chains)} chains of back-to-back runs equal theirs, to the token; ` +
            `${grouped(checked.apportionedSteps)} of ${grouped(steps)} steps apportioned`,
        );
      }

      // Same input, same --now: every round must write the same records.
      const digest = await treeDigest(path.join(cwd, 'runs'));
      if (first === undefined) first = digest;
      else {
        const differing = treeDifferences(first, digest);
        if (differing.length > 0) problems.push(`round ${round} wrote different records than round 1: ${differing.length} file(s), e.g. ${differing.slice(0, 3).join(', ')}`);
      }

      flushDisk();
      const phases = await runJob('reconcile-phases', { baseUrl: simulator.url, runsDir: path.join(phasesDir, 'runs'), now: NOW, maxAgeHours: MAX_AGE_HOURS });
      for (const phase of phases.result.phases) phaseSamples.set(phase.name, [...(phaseSamples.get(phase.name) ?? []), phase.cpuMs]);

      const floorDir = path.join(context.workDir, `floor-${round}`);
      await cp(pristine, path.join(floorDir, 'runs'), { recursive: true });
      flushDisk();
      const files = workload.runs.map((generated) => `${generated.framework}/${generated.runId}/metrics.json`);
      const floor = await runJob('reconcile-io-floor', { runsDir: path.join(floorDir, 'runs'), rewrittenDir: path.join(cwd, 'runs'), files });
      floors.push({ cpuMs: floor.result.cpuMs, wallMs: floor.result.wallMs, peakMiB: floor.peakMiB });
      context.log(`round ${round}: file I/O floor ${floor.result.cpuMs.toFixed(0)} ms CPU, ${(floor.result.wallMs / 1000).toFixed(2)} s wall, peak ${floor.peakMiB.toFixed(1)} MiB`);
      await removeDir(floorDir);
    } finally {
      await simulator.close();
    }
    if (!context.keep) {
      await removeDir(cwd);
      await removeDir(phasesDir);
    }
  }

  const requests = median(tools.map((sample) => sample.requests));
  const cpuMs = median(tools.map((sample) => sample.cpuMs));
  const wallMs = median(tools.map((sample) => sample.wallMs));
  const strategies: Array<[string, number]> = [
    ['this tool: one 1-minute query per scope', requests],
    ['one request per run', workload.runs.length],
    ['one request per step', steps],
  ];
  const toolModel = simulatedWallSeconds(requests);
  notes.push(
    `${workload.apiKeyIds.length} scopes cover ${coverage.map(grouped).join(', ')} minutes: lower bound ${coverage.map((minutes) => Math.ceil(minutes / MINUTE_BUCKETS_PER_PAGE)).join(' + ')} = ${lowerBound} pages of 1,440 one-minute buckets`,
    `simulated wall time: sequential requests of ${LATENCY_MS} ms, at most ${REQUESTS_PER_MINUTE} starting in any 60 s, never refused (request i starts at max(end of i-1, start of i-${REQUESTS_PER_MINUTE} + 60 s))`,
    ...table([
      ['strategy', 'requests', 'simulated wall', '× this tool'],
      ...strategies.map(([name, count]) => [name, grouped(count), duration(simulatedWallSeconds(count)), (simulatedWallSeconds(count) / toolModel).toFixed(0)]),
    ]).map((line) => `  ${line}`),
    `this tool, measured against the simulator: ${tools.map((sample) => `${(sample.wallMs / 1000).toFixed(2)} s`).join(', ')} wall; ` +
      `CPU ${tools.map((sample) => `${sample.cpuMs.toFixed(0)} ms (${sample.cpuUserMs.toFixed(0)} user + ${sample.cpuSystemMs.toFixed(0)} system)`).join(', ')}; ` +
      `peak ${tools.map((sample) => sample.peakMiB.toFixed(1)).join(', ')} MiB`,
  );
  const phaseMedians = [...phaseSamples].map(([name, samples]) => [name, median(samples)] as const);
  const inMemory = phaseMedians.filter(([name]) => name === 'plan' || name === 'attribute' || name === 'build records').reduce((sum, [, ms]) => sum + ms, 0);
  notes.push(
    `CPU by phase (a separate process calling the same steps one by one, medians): ${phaseMedians.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join('; ')}`,
    `in memory (plan + attribute + build records) for ${grouped(steps)} steps: ${inMemory.toFixed(0)} ms CPU`,
    `file I/O floor (read each record twice, replace it atomically with fsync; nothing else): ${median(floors.map((sample) => sample.cpuMs)).toFixed(0)} ms CPU, ` +
      `${(median(floors.map((sample) => sample.wallMs)) / 1000).toFixed(2)} s wall, peak ${median(floors.map((sample) => sample.peakMiB)).toFixed(1)} MiB (medians)`,
    // The target is judged on the whole command; this says how much of it is the tool's
    // own work rather than the kernel creating, flushing and renaming 10,000 files.
    `the command's CPU beyond that floor: ${(cpuMs - median(floors.map((sample) => sample.cpuMs))).toFixed(0)} ms`,
  );

  return {
    scenario: 'reconcile-10k',
    requests,
    lowerBound,
    wallMs,
    cpuMs,
    peakMiB: median(tools.map((sample) => sample.peakMiB)),
    targets: { maxCpuMs: TARGET_CPU_FLOOR_RATIO * median(floors.map((sample) => sample.cpuMs)), maxPeakMiB: TARGET_PEAK_MIB },
    notes,
    problems,
  };
}

export const reconcile10k: Scenario = {
  name: 'reconcile-10k',
  description: `reconcile ${grouped(SHAPE.scopes * SHAPE.runsPerScope)} runs of ${SHAPE.stepsPerRun} steps over ${SHAPE.days} days on ${SHAPE.scopes} scopes, simulator at ${LATENCY_MS} ms and ${REQUESTS_PER_MINUTE} requests/min, --now ${NOW}`,
  run,
};
