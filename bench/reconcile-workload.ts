// The reconcile benchmark's input, generated deterministically: run records as experiment
// runners write them (zero tokens, per-step timestamps, usage_scope set) and the usage
// events those runs caused, for the simulator. Runs of one scope never overlap in time
// (reconcile could not tell them apart), but a share of them start the second the one
// before ended, so a minute is split between two runs; steps are a few seconds long, so
// most minutes are split between steps. Every event falls inside a step of its own scope,
// so every token the provider reports for a scope belongs to some run of it.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Random } from '../src/simulator/random.js';
import type { SimEvent } from '../src/simulator/index.js';

export interface WorkloadShape {
  scopes: number;
  runsPerScope: number;
  stepsPerRun: number;
  /** Unix seconds, a UTC midnight: runs fill [startDay, startDay + days × 86,400). */
  startDay: number;
  days: number;
  seed: number;
}

export interface GeneratedStep {
  start: number;
  end: number;
}

export interface GeneratedRun {
  framework: string;
  runId: string;
  apiKeyId: string;
  steps: GeneratedStep[];
}

export interface Workload {
  runs: GeneratedRun[];
  /** The runs' own usage, plus traffic on a key no run uses (reconcile must ignore it). */
  events: SimEvent[];
  apiKeyIds: string[];
}

const MODEL = 'gpt-4o-2024-08-06';
/** A key with traffic of its own in the same minutes; no run is scoped to it. */
export const OTHER_KEY = 'key_bench_unrelated';

/** Share of runs that start the very second the previous run of their scope ended. */
const BACK_TO_BACK = 0.25;

export function generateWorkload(shape: WorkloadShape): Workload {
  const random = new Random(shape.seed);
  const span = shape.days * 86_400;
  const runs: GeneratedRun[] = [];
  const events: SimEvent[] = [];
  const apiKeyIds: string[] = [];
  for (let scope = 1; scope <= shape.scopes; scope += 1) {
    const apiKeyId = `key_bench_scope_${scope}`;
    const framework = `agent-${String.fromCharCode(96 + scope)}`;
    const project = `proj_bench_${scope}`;
    apiKeyIds.push(apiKeyId);
    // Scopes start a few minutes apart, not on a minute boundary, as real runners would.
    let time = shape.startDay + 137 + scope * 61;
    for (let index = 1; index <= shape.runsPerScope; index += 1) {
      if (index > 1 && !random.chance(BACK_TO_BACK)) time += random.int(5, 60);
      const steps: GeneratedStep[] = [];
      for (let step = 0; step < shape.stepsPerRun; step += 1) {
        if (step > 0) time += random.int(0, 2);
        const start = time;
        time += random.int(4, 14);
        steps.push({ start, end: time });
        // One to three requests a step, each landing somewhere inside it.
        for (let request = random.int(1, 3); request > 0; request -= 1) {
          events.push({
            timestamp: random.int(start, time - 1),
            endpoint: 'completions',
            project_id: project,
            api_key_id: apiKeyId,
            user_id: `user-bench-${scope}`,
            model: MODEL,
            input_tokens: random.int(200, 6_000),
            output_tokens: random.int(20, 1_500),
            num_model_requests: 1,
          });
        }
      }
      runs.push({ framework, runId: `run-${String(index).padStart(5, '0')}`, apiKeyId, steps });
    }
    if (time > shape.startDay + span) throw new Error(`scope ${scope}'s runs end at ${time}, past the ${shape.days}-day span; shorten the steps`);
  }
  for (let minute = shape.startDay; minute < shape.startDay + span; minute += 60) {
    events.push({ timestamp: minute + 30, endpoint: 'completions', project_id: 'proj_bench_1', api_key_id: OTHER_KEY, user_id: 'user-unrelated', model: MODEL, input_tokens: 1_000, output_tokens: 100, num_model_requests: 1 });
  }
  return { runs, events, apiKeyIds };
}

/** The record a runner writes when the run ends: zero tokens, timestamps, scope. */
export function runRecordOf(run: GeneratedRun): object {
  const first = run.steps[0]!;
  const last = run.steps[run.steps.length - 1]!;
  return {
    run_id: run.runId,
    framework: run.framework,
    task: 'triage the open issues of a repository and draft replies',
    model: MODEL,
    started_at: new Date(first.start * 1000).toISOString().replace('.000Z', 'Z'),
    finished_at: new Date(last.end * 1000).toISOString().replace('.000Z', 'Z'),
    runner: { name: 'bench-runner', version: '1.0.0', seed: 7 },
    steps: run.steps.map((step, index) => ({
      step_number: index + 1,
      action: `step ${index + 1} of the plan`,
      tool_calls: (index * 7) % 4,
      tokens_in: 0,
      tokens_out: 0,
      start_timestamp: step.start,
      end_timestamp: step.end,
    })),
    aggregate_metrics: { TOK_IN: 0, TOK_OUT: 0, AEI: 0, AUTR: 0.6, SUCCESS: 1, WALL_SECONDS: last.end - first.start },
    usage_scope: { provider: 'openai', api_key_id: run.apiKeyId },
  };
}

/** Writes runs/<framework>/<run_id>/metrics.json under `runsDir`, two-space indented like most runners. */
export async function writeWorkload(runsDir: string, runs: readonly GeneratedRun[]): Promise<number> {
  let bytes = 0;
  for (const run of runs) {
    const dir = path.join(runsDir, run.framework, run.runId);
    await mkdir(dir, { recursive: true });
    const text = `${JSON.stringify(runRecordOf(run), null, 2)}\n`;
    await writeFile(path.join(dir, 'metrics.json'), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** Minutes a scope's steps touch, from the first step's minute to the last step's, inclusive. */
export function coveredMinutes(runs: readonly GeneratedRun[]): number {
  let first = Infinity;
  let last = -Infinity;
  for (const run of runs) {
    for (const step of run.steps) {
      first = Math.min(first, Math.floor(step.start / 60));
      last = Math.max(last, Math.ceil(step.end / 60));
    }
  }
  return last - first;
}
