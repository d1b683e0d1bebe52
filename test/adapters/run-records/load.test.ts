// Loading valid run records: discovery two levels down, filters, a deterministic order,
// and everything that is not a run record passed over without a finding.

import { createHash } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { NOW, STEP_END, STEP_START, tempRuns, validRecord, writeRun, type TempRuns } from './fixtures.js';

describe('loadRuns', () => {
  let temp: TempRuns;

  beforeEach(async () => {
    temp = await tempRuns();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it('loads every valid run with its paths, the digest of its text and its record', async () => {
    const file = await writeRun(temp.runsDir, 'chatdev', 'run-1', validRecord('run-1'));

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.findings).toEqual([]);
    expect(result.runs).toHaveLength(1);
    const [run] = result.runs;
    expect(run).toMatchObject({ framework: 'chatdev', runId: 'run-1', file, relativePath: 'runs/chatdev/run-1/metrics.json' });
    expect(path.isAbsolute(run!.file)).toBe(true);
    expect(run!.digest).toBe(createHash('sha256').update(`${JSON.stringify(validRecord('run-1'), null, 2)}\n`).digest('base64'));
    expect(run!.record.steps[1]).toMatchObject({ step_number: 2, start_timestamp: STEP_START + 100, end_timestamp: STEP_END, action: 'write' });
    expect(run!.record.aggregate_metrics).toMatchObject({ TOK_IN: 0, TOK_OUT: 0, SUCCESS: 1 });
  });

  it('sorts by framework then run id in code-unit order, whatever the creation order', async () => {
    for (const [framework, runId] of [['zeta', 'r2'], ['alpha', 'r10'], ['Beta', 'r1'], ['alpha', 'r1'], ['zeta', 'r1']] as const) {
      await writeRun(temp.runsDir, framework, runId, validRecord(runId));
    }

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.runs.map((run) => `${run.framework}/${run.runId}`)).toEqual(['Beta/r1', 'alpha/r1', 'alpha/r10', 'zeta/r1', 'zeta/r2']);
    expect((await loadRuns(temp.runsDir, {}, NOW)).runs.map((run) => run.relativePath)).toEqual(result.runs.map((run) => run.relativePath));
  });

  it('filters by framework, by run id, and by both', async () => {
    await writeRun(temp.runsDir, 'alpha', 'r1', validRecord('r1'));
    await writeRun(temp.runsDir, 'alpha', 'r2', validRecord('r2'));
    await writeRun(temp.runsDir, 'beta', 'r1', validRecord('r1'));
    const ids = async (filter: { framework?: string; runId?: string }) => (await loadRuns(temp.runsDir, filter, NOW)).runs.map((run) => `${run.framework}/${run.runId}`);

    expect(await ids({ framework: 'alpha' })).toEqual(['alpha/r1', 'alpha/r2']);
    expect(await ids({ runId: 'r1' })).toEqual(['alpha/r1', 'beta/r1']);
    expect(await ids({ framework: 'beta', runId: 'r1' })).toEqual(['beta/r1']);
    expect(await ids({ framework: 'gamma' })).toEqual([]);
  });

  it('does not report bad records the filter excludes', async () => {
    await writeRun(temp.runsDir, 'alpha', 'good', validRecord('good'));
    await writeRun(temp.runsDir, 'beta', 'broken', '{');

    const result = await loadRuns(temp.runsDir, { framework: 'alpha' }, NOW);

    expect(result.runs).toHaveLength(1);
    expect(result.findings).toEqual([]);
  });

  it('returns nothing, without an error, when the runs directory does not exist', async () => {
    expect(await loadRuns(path.join(temp.base, 'no-such-runs'), {}, NOW)).toEqual({ runs: [], findings: [] });
  });

  it('throws when the runs directory is a file', async () => {
    const file = path.join(temp.base, 'runs-file');
    await writeFile(file, '');
    await expect(loadRuns(file, {}, NOW)).rejects.toThrow(/not a directory/);
  });

  it('ignores other files, hidden entries and run directories without a record', async () => {
    await writeRun(temp.runsDir, 'fw', 'good', validRecord('good'));
    await writeFile(path.join(temp.runsDir, 'README.md'), '# runs\n');
    await writeFile(path.join(temp.runsDir, 'fw', 'notes.txt'), 'notes\n');
    await writeFile(path.join(temp.runsDir, 'fw', 'good', 'transcript.json'), '{');
    await mkdir(path.join(temp.runsDir, 'fw', 'still-running'));
    await writeRun(temp.runsDir, '.cache', 'r1', '{');
    await writeRun(temp.runsDir, 'fw', '.partial', '{');
    // Deeper records are not runs: the layout is exactly two levels.
    await writeRun(path.join(temp.runsDir, 'fw', 'good'), 'nested', 'deeper', validRecord('deeper'));
    await symlink(path.join(temp.base, 'anywhere'), path.join(temp.runsDir, '.hidden-link'));

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.findings).toEqual([]);
    expect(result.runs.map((run) => run.relativePath)).toEqual(['runs/fw/good/metrics.json']);
  });

  it('accepts fractional seconds and steps that meet end to start', async () => {
    const record = validRecord('frac', {
      steps: [
        { step_number: 0, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START + 0.25, end_timestamp: STEP_START + 60.5 },
        { step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START + 60.5, end_timestamp: STEP_START + 61 },
      ],
    });
    await writeRun(temp.runsDir, 'fw', 'frac', record);

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.findings).toEqual([]);
    expect(result.runs[0]?.record.steps[0]?.start_timestamp).toBe(STEP_START + 0.25);
  });

  it('accepts a record reconciled before, with its reconciliation block', async () => {
    const record = validRecord('again', {
      usage_api_reconciliation: {
        reconciled_at: '2025-10-09T15:17:58.000Z',
        status: 'success',
        total_tokens_in: 500,
        total_tokens_out: 50,
        steps_with_tokens: 1,
        total_steps: 2,
        steps_updated: [
          { step: 1, status: 'updated', tokens_in: 500, tokens_out: 50, method: 'exact' },
          { step: 2, status: 'no_usage', tokens_in: 0, tokens_out: 0, method: 'apportioned' },
        ],
        scope: { provider: 'openai', unscoped: true },
        query: { start_time: STEP_START - 300, end_time: STEP_END + 300, bucket_width: '1m' },
        requests: 1,
      },
    });
    await writeRun(temp.runsDir, 'fw', 'again', record);

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.findings).toEqual([]);
    expect(result.runs[0]?.record.usage_api_reconciliation?.status).toBe('success');
  });

  it('keeps the runs directory name in relative paths, whatever it is called', async () => {
    const other = path.join(temp.base, 'experiments');
    await writeRun(other, 'fw', 'r1', validRecord('r1'));

    const result = await loadRuns(other, {}, NOW);

    expect(result.runs[0]?.relativePath).toBe('experiments/fw/r1/metrics.json');
  });
});
