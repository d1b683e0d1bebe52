// Run records for reconcile tests, written the way an experiment runner writes them.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StepSpec {
  start: number;
  end: number;
}

export function runRecord(runId: string, steps: StepSpec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: runId,
    task: 'demo-task',
    steps: steps.map((step, index) => ({ step_number: index + 1, tokens_in: 0, tokens_out: 0, start_timestamp: step.start, end_timestamp: step.end, action: `step ${index + 1}` })),
    aggregate_metrics: { TOK_IN: 0, TOK_OUT: 0, AEI: 0, AUTR: 0.5, SUCCESS: 1 },
    ...extra,
  };
}

export async function writeRunFile(runsDir: string, framework: string, runId: string, record: unknown): Promise<string> {
  const dir = path.join(runsDir, framework, runId);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'metrics.json');
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
