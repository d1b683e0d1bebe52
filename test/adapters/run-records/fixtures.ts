// Run directories on disk for the run record tests: a temporary runs/ tree and records
// shaped the way a runner writes them.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const STEP_START = 1760015386;
export const STEP_END = 1760015878;
/** A "now" two hours after the example run, so no timestamp of the fixtures is in the future. */
export const NOW = new Date((STEP_END + 7200) * 1000);

export interface TempRuns {
  /** The parent of runsDir, for things placed "outside the runs directory". */
  base: string;
  runsDir: string;
  cleanup(): Promise<void>;
}

export async function tempRuns(): Promise<TempRuns> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'usage-ledger-runs-'));
  const runsDir = path.join(base, 'runs');
  await mkdir(runsDir);
  return { base, runsDir, cleanup: () => rm(base, { recursive: true, force: true }) };
}

export function validRecord(runId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: runId,
    task: 'summarise issues',
    steps: [
      { step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START, end_timestamp: STEP_START + 100, action: 'plan' },
      { step_number: 2, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START + 100, end_timestamp: STEP_END, action: 'write' },
    ],
    aggregate_metrics: { TOK_IN: 0, TOK_OUT: 0, AEI: 0, AUTR: 0.5, SUCCESS: 1 },
    usage_scope: { provider: 'openai', api_key_id: 'key_test' },
    ...extra,
  };
}

/** Writes runs/<framework>/<runId>/metrics.json with `content` as is, or as 2-space JSON. */
export async function writeRun(runsDir: string, framework: string, runId: string, content: unknown): Promise<string> {
  const dir = path.join(runsDir, framework, runId);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'metrics.json');
  await writeFile(file, typeof content === 'string' || content instanceof Uint8Array ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
