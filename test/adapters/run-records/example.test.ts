// The documented example under runs/ is a valid record, and a reconciliation leaves the
// runner's own fields exactly where and as they were.

import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { writeRun } from '../../../src/adapters/run-records/serialize.js';
import { type RunRecord } from '../../../src/adapters/run-records/types.js';
import { tempRuns, type TempRuns } from './fixtures.js';

const RUNS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../runs');
const AFTER_THE_RUN = new Date('2025-10-10T00:00:00Z');

describe('the example run', () => {
  let temp: TempRuns;

  beforeEach(async () => {
    temp = await tempRuns();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it('validates and loads with its own fields', async () => {
    const result = await loadRuns(RUNS_DIR, {}, AFTER_THE_RUN);

    expect(result.findings).toEqual([]);
    expect(result.runs.map((run) => run.relativePath)).toEqual(['runs/example-agent/run-0001/metrics.json']);
    const { record } = result.runs[0]!;
    expect(record.steps).toEqual([expect.objectContaining({ step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: 1760015386, end_timestamp: 1760015878 })]);
    expect(record.aggregate_metrics).toMatchObject({ TOK_IN: 0, TOK_OUT: 0, AEI: 0, AUTR: 0.72 });
    expect(record.usage_scope).toEqual({ provider: 'openai', api_key_id: 'key_example_agent' });
    expect(record).toMatchObject({ framework: 'example-agent', model: expect.any(String), task: expect.any(String), started_at: '2025-10-09T13:09:46Z' });
  });

  it('keeps every other line of the runner byte-for-byte in place when reconciled', async () => {
    await cp(RUNS_DIR, temp.runsDir, { recursive: true });
    const [run] = (await loadRuns(temp.runsDir, {}, AFTER_THE_RUN)).runs;
    const record = run!.record;
    const updated: RunRecord = {
      ...record,
      steps: record.steps.map((step) => ({ ...step, tokens_in: 84_604, tokens_out: 23_275 })),
      aggregate_metrics: { ...record.aggregate_metrics, TOK_IN: 84_604, TOK_OUT: 23_275, AEI: 0.72 / Math.log1p(84_604) },
      usage_api_reconciliation: { reconciled_at: '2025-10-09T15:17:58.000Z', status: 'data_not_available' },
    };

    const original = await readFile(run!.file, 'utf8');
    writeRun(run!, updated);

    const expectedPrefix = original
      .replace('"tokens_in": 0,\n      "tokens_out": 0,', '"tokens_in": 84604,\n      "tokens_out": 23275,')
      .replace('"TOK_IN": 0,\n    "TOK_OUT": 0,\n    "AEI": 0,', `"TOK_IN": 84604,\n    "TOK_OUT": 23275,\n    "AEI": ${0.72 / Math.log1p(84_604)},`)
      .replace(/\n {2}\}\n\}\n$/, '\n  },\n');
    const text = await readFile(run!.file, 'utf8');
    expect(text.startsWith(expectedPrefix)).toBe(true);
    expect(text.slice(expectedPrefix.length)).toBe('  "usage_api_reconciliation": {\n    "reconciled_at": "2025-10-09T15:17:58.000Z",\n    "status": "data_not_available"\n  }\n}\n');
  });
});
