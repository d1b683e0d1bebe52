// Rewriting a run record: the runner's key order, unknown fields, literals, indentation,
// line endings and trailing newline all survive; new keys go last in their object; the
// write is atomic and refuses to overwrite a file that changed since it was read.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { RunChangedError, serializeRun, writeRun } from '../../../src/adapters/run-records/serialize.js';
import { type LoadedRun, type RunRecord } from '../../../src/adapters/run-records/types.js';
import { NOW, STEP_END, STEP_START, tempRuns, writeRun as writeRunFile, type TempRuns } from './fixtures.js';

/** What reconcile does to a record: new token figures, a recomputed AEI, a new block at the end. */
function reconciled(record: RunRecord): RunRecord {
  const steps = record.steps.map((step, index) => ({ ...step, tokens_in: 100 * (index + 1), tokens_out: 10 * (index + 1) }));
  const tokensIn = steps.reduce((sum, step) => sum + step.tokens_in, 0);
  const tokensOut = steps.reduce((sum, step) => sum + step.tokens_out, 0);
  return {
    ...record,
    steps,
    aggregate_metrics: { ...record.aggregate_metrics, TOK_IN: tokensIn, TOK_OUT: tokensOut, AEI: 0.25 },
    usage_api_reconciliation: {
      reconciled_at: '2025-10-09T15:17:58.000Z',
      status: 'success',
      total_tokens_in: tokensIn,
      total_tokens_out: tokensOut,
      steps_with_tokens: steps.length,
      total_steps: steps.length,
      steps_updated: steps.map((step) => ({ step: step.step_number, status: 'updated', tokens_in: step.tokens_in, tokens_out: step.tokens_out, method: 'exact' as const })),
      scope: { provider: 'openai', api_key_id: 'key_test' },
      query: { start_time: STEP_START - 60, end_time: STEP_END + 60, bucket_width: '1m' },
      requests: 1,
    },
  };
}

const ORIGINAL = `{
  "run_id": "r1",
  "model": "gpt-4o",
  "steps": [
    {
      "step_number": 1,
      "action": "plan",
      "tokens_in": 0,
      "tokens_out": 0,
      "start_timestamp": ${STEP_START},
      "end_timestamp": ${STEP_END},
      "latency_ms": 1.50
    }
  ],
  "aggregate_metrics": {
    "TOK_IN": 0,
    "TOK_OUT": 0,
    "AEI": 0,
    "AUTR": 0.720,
    "2": "integer-like key, kept in its place",
    "SUCCESS": 1
  },
  "usage_scope": {
    "provider": "openai",
    "api_key_id": "key_test"
  },
  "notes": "caf\\u00e9 \\/ ok",
  "seed": 12345678901234567890,
  "ratio": 1e-3
}
`;

describe('serializeRun and writeRun', () => {
  let temp: TempRuns;

  beforeEach(async () => {
    temp = await tempRuns();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  /** The text each run was loaded from: serializeRun lays the new record out like it. */
  const loadedTexts = new Map<LoadedRun, string>();
  const textOf = (run: LoadedRun): string => loadedTexts.get(run)!;

  async function load(text: string, runId = 'r1'): Promise<LoadedRun> {
    await writeRunFile(temp.runsDir, 'fw', runId, text);
    const result = await loadRuns(temp.runsDir, { framework: 'fw', runId }, NOW);
    expect(result.findings).toEqual([]);
    loadedTexts.set(result.runs[0]!, text);
    return result.runs[0]!;
  }

  it('changes only the updated values and appends the new block, keeping every other byte', async () => {
    const run = await load(ORIGINAL);

    const text = serializeRun(textOf(run), reconciled(run.record));

    const expected = ORIGINAL.replace('"tokens_in": 0,\n      "tokens_out": 0', '"tokens_in": 100,\n      "tokens_out": 10')
      .replace('"TOK_IN": 0,\n    "TOK_OUT": 0,\n    "AEI": 0,', '"TOK_IN": 100,\n    "TOK_OUT": 10,\n    "AEI": 0.25,')
      .replace(
        '"ratio": 1e-3\n}\n',
        `"ratio": 1e-3,
  "usage_api_reconciliation": {
    "reconciled_at": "2025-10-09T15:17:58.000Z",
    "status": "success",
    "total_tokens_in": 100,
    "total_tokens_out": 10,
    "steps_with_tokens": 1,
    "total_steps": 1,
    "steps_updated": [
      {
        "step": 1,
        "status": "updated",
        "tokens_in": 100,
        "tokens_out": 10,
        "method": "exact"
      }
    ],
    "scope": {
      "provider": "openai",
      "api_key_id": "key_test"
    },
    "query": {
      "start_time": ${STEP_START - 60},
      "end_time": ${STEP_END + 60},
      "bucket_width": "1m"
    },
    "requests": 1
  }
}
`,
      );
    expect(text).toBe(expected);
  });

  it('gives back the original bytes for an unchanged record', async () => {
    const run = await load(ORIGINAL);
    expect(serializeRun(textOf(run), structuredClone(run.record))).toBe(ORIGINAL);
  });

  it('keeps a block that was already there in its place on a second reconciliation', async () => {
    const first = await load(ORIGINAL);
    const once = reconciled(first.record);
    const withTrailer = serializeRun(textOf(first), { ...once, trailer: true });
    const second = await load(withTrailer);

    const again = reconciled(second.record);
    again.usage_api_reconciliation!.reconciled_at = '2025-10-10T00:00:00.000Z';
    const text = serializeRun(textOf(second), again);

    expect(Object.keys(JSON.parse(text))).toEqual(['run_id', 'model', 'steps', 'aggregate_metrics', 'usage_scope', 'notes', 'seed', 'ratio', 'usage_api_reconciliation', 'trailer']);
    expect(text).toBe(withTrailer.replace('2025-10-09T15:17:58.000Z', '2025-10-10T00:00:00.000Z'));
  });

  it('appends new nested keys at the end of their object and drops removed ones', async () => {
    const run = await load(ORIGINAL);
    const [first] = run.record.steps;
    const { model: _model, ...withoutModel } = run.record;
    const updated = { ...withoutModel, steps: [{ ...first!, tokens_cached: 7 }] } as RunRecord;

    const parsed = JSON.parse(serializeRun(textOf(run), updated));

    expect(Object.keys(parsed)).toEqual(['run_id', 'steps', 'aggregate_metrics', 'usage_scope', 'notes', 'seed', 'ratio']);
    expect(Object.keys(parsed.steps[0])).toEqual(['step_number', 'action', 'tokens_in', 'tokens_out', 'start_timestamp', 'end_timestamp', 'latency_ms', 'tokens_cached']);
  });

  it.each([
    ['two spaces, trailing newline', 2, '\n'],
    ['four spaces, trailing newline', 4, '\n'],
    ['a tab, trailing newline', '\t', '\n'],
    ['two spaces, no trailing newline', 2, ''],
    ['four spaces, no trailing newline', 4, ''],
    ['a tab, no trailing newline', '\t', ''],
  ] as const)('preserves indentation with %s', async (_name, indent, ending) => {
    const base = { run_id: 'r1', steps: [{ step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START, end_timestamp: STEP_END }], aggregate_metrics: { TOK_IN: 0, TOK_OUT: 0, AEI: 0, AUTR: 0.5 } };
    const run = await load(JSON.stringify(base, null, indent) + ending);
    const updated = reconciled(run.record);

    expect(serializeRun(textOf(run), updated)).toBe(JSON.stringify(updated, null, indent) + ending);
  });

  it('keeps a one-line file on one line, and CRLF line endings and a byte order mark as they were', async () => {
    const base = { run_id: 'r1', steps: [{ step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START, end_timestamp: STEP_END }], aggregate_metrics: { TOK_IN: 0, TOK_OUT: 0, AEI: 0 } };

    const compact = await load(`${JSON.stringify(base)}\n`);
    expect(serializeRun(textOf(compact), reconciled(compact.record))).toBe(`${JSON.stringify(reconciled(compact.record))}\n`);

    const windows = await load(`\uFEFF${JSON.stringify({ ...base, run_id: 'r2' }, null, 2).replaceAll('\n', '\r\n')}\r\n`, 'r2');
    const updated = reconciled(windows.record);
    expect(serializeRun(textOf(windows), updated)).toBe(`\uFEFF${JSON.stringify(updated, null, 2).replaceAll('\n', '\r\n')}\r\n`);
  });

  it('writes atomically: the file reads back as the new record and no temporary file is left', async () => {
    const run = await load(ORIGINAL);
    const updated = reconciled(run.record);

    writeRun(run, updated);

    expect(await readFile(run.file, 'utf8')).toBe(serializeRun(textOf(run), updated));
    expect(await readdir(path.dirname(run.file))).toEqual(['metrics.json']);
    const reloaded = await loadRuns(temp.runsDir, {}, NOW);
    expect(reloaded.findings).toEqual([]);
    expect(reloaded.runs[0]!.record).toEqual(JSON.parse(serializeRun(textOf(run), updated)));
    expect(reloaded.runs[0]!.record.aggregate_metrics).toMatchObject({ TOK_IN: 100, TOK_OUT: 10, AUTR: 0.72 });
  });

  it('does not overwrite a file that changed after it was loaded', async () => {
    const run = await load(ORIGINAL);
    const newer = ORIGINAL.replace('"model": "gpt-4o"', '"model": "gpt-4o-mini"');
    await writeFile(run.file, newer);

    expect(() => writeRun(run, reconciled(run.record))).toThrow(RunChangedError);
    expect(await readFile(run.file, 'utf8')).toBe(newer);
    expect(await readdir(path.dirname(run.file))).toEqual(['metrics.json']);
  });

  it('refuses to write a record that breaks the schema, leaving the file as it was', async () => {
    const run = await load(ORIGINAL);
    const broken = { ...run.record, aggregate_metrics: { ...run.record.aggregate_metrics, TOK_IN: -1 } };

    expect(() => writeRun(run, broken)).toThrow(/refusing to write runs\/fw\/r1\/metrics\.json: \/aggregate_metrics\/TOK_IN must be >= 0/);
    expect(await readFile(run.file, 'utf8')).toBe(ORIGINAL);
  });
});
