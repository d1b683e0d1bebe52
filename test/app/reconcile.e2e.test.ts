// Reconcile end to end: run records in a real git repository, per-minute usage from the
// simulator, exact totals, one query per scope, and nothing lost on bad input.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/app/reconcile.js';
import { silentLogger } from '../../src/ports.js';
import { parseSettings } from '../../src/config/settings.js';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { ADMIN_ENV, readTree, recordingClock } from '../support/ledger-run.js';
import { runRecord, writeRunFile } from '../support/runs.js';
import { composeAdapters } from '../../src/app/compose.js';

const STEP_START = 1760015386;
const STEP_END = 1760015878;

function event(timestamp: number, api_key_id: string, input_tokens: number, output_tokens: number): SimEvent {
  return { timestamp, endpoint: 'completions', project_id: 'proj_lab', api_key_id, user_id: 'user-lab', model: 'gpt-4o-2024-08-06', input_tokens, output_tokens, num_model_requests: 1 };
}

async function reconcile(cwd: string, baseUrl: string, now: Date, flags: Record<string, string> = {}, positionals: string[] = []) {
  const settings = parseSettings('reconcile', positionals, { 'openai-base-url': baseUrl, now: now.toISOString(), ...flags }, ADMIN_ENV, now);
  return runReconcile(settings, composeAdapters(settings, { cwd, clock: recordingClock(now), logger: silentLogger, env: {} }));
}

async function readRun(runsDir: string, framework: string, runId: string) {
  return JSON.parse(await readFile(path.join(runsDir, framework, runId, 'metrics.json'), 'utf8'));
}

describe('reconcile', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let runsDir: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    runsDir = path.join(repo.work, 'runs');
  });

  afterEach(async () => {
    await simulator?.close();
    await repo.cleanup();
  });

  it('fills the documented example exactly, ignoring other keys in the same minutes, and commits once', async () => {
    const now = new Date((STEP_END + 2 * 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    // 84,604 in and 23,275 out for the run's key, spread over the step; other keys alongside.
    simulator.addEvents([
      event(STEP_START + 10, 'key_example_agent', 30_000, 8_000),
      event(STEP_START + 200, 'key_example_agent', 40_000, 10_000),
      event(STEP_END - 5, 'key_example_agent', 14_604, 5_275),
      event(STEP_START + 100, 'key_other_team', 99_999, 11_111),
      event(STEP_END - 30, 'key_other_team', 5_000, 500),
    ]);
    await writeRunFile(runsDir, 'example-agent', 'run-0001', runRecord('run-0001', [{ start: STEP_START, end: STEP_END }], { usage_scope: { provider: 'openai', api_key_id: 'key_example_agent' } }));
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);

    const report = await reconcile(repo.work, simulator.url, now);

    const record = await readRun(runsDir, 'example-agent', 'run-0001');
    expect(record.aggregate_metrics).toMatchObject({ TOK_IN: 84_604, TOK_OUT: 23_275 });
    expect(record.aggregate_metrics.AEI).toBeCloseTo(0.5 / Math.log(1 + 84_604), 12);
    expect(record.steps[0]).toMatchObject({ tokens_in: 84_604, tokens_out: 23_275, action: 'step 1' });
    expect(record.usage_api_reconciliation).toMatchObject({
      status: 'success',
      total_tokens_in: 84_604,
      total_tokens_out: 23_275,
      steps_with_tokens: 1,
      total_steps: 1,
      steps_updated: [{ step: 1, status: 'updated', tokens_in: 84_604, tokens_out: 23_275, method: 'exact' }],
      scope: { provider: 'openai', api_key_id: 'key_example_agent' },
      query: { bucket_width: '1m' },
      requests: 1,
    });
    expect(Object.keys(record)).toEqual(['run_id', 'task', 'steps', 'aggregate_metrics', 'usage_scope', 'usage_api_reconciliation']);
    expect(report.outputs).toMatchObject({ 'runs-reconciled': '1', 'runs-pending': '0', 'runs-failed': '0', changed: 'true' });
    const completions = simulator.requestLog.filter((request) => request.endpoint === 'completions');
    expect(completions).toHaveLength(1);
    expect(completions[0]!.query).toMatchObject({ bucket_width: '1m', api_key_ids: 'key_example_agent' });
    expect(await gitIn(repo.work, ['rev-list', '--count', `${head}..HEAD`])).toBe('1');
    const committed = (await gitIn(repo.work, ['show', '--name-only', '--format=', 'HEAD'])).split('\n');
    expect(committed).toContain('runs/example-agent/run-0001/metrics.json');
    expect(committed.some((file) => /^audit\/diffs\/.*-reconcile-[0-9a-f]{8}\.json$/.test(file))).toBe(true);
  });

  it('gives interleaved runs on different keys and steps that share minutes their own exact totals', async () => {
    const base = 1_763_700_000; // a minute boundary
    const now = new Date((base + 4 * 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    const events: SimEvent[] = [];
    for (let second = 0; second < 1800; second += 7) {
      events.push(event(base + second, 'key_alpha', 100 + (second % 13), 10 + (second % 5)));
      events.push(event(base + second + 3, 'key_beta', 200 + (second % 11), 20 + (second % 3)));
    }
    simulator.addEvents(events);
    // alpha: steps that end and begin mid-minute, so minutes are shared between steps.
    await writeRunFile(runsDir, 'alpha', 'a1', runRecord('a1', [{ start: base, end: base + 95 }, { start: base + 95, end: base + 400 }, { start: base + 400, end: base + 1000 }], { usage_scope: { provider: 'openai', api_key_id: 'key_alpha' } }));
    // beta interleaves in time with alpha on another key.
    await writeRunFile(runsDir, 'beta', 'b1', runRecord('b1', [{ start: base + 50, end: base + 700 }, { start: base + 700, end: base + 1200 }], { usage_scope: { provider: 'openai', api_key_id: 'key_beta' } }));

    await reconcile(repo.work, simulator.url, now, { 'reconcile-margin': '0' });

    for (const [framework, id, key, start, end] of [['alpha', 'a1', 'key_alpha', base, base + 1000], ['beta', 'b1', 'key_beta', base + 50, base + 1200]] as const) {
      const record = await readRun(runsDir, framework, id);
      // The run owns every minute its steps touch: truth over those whole minutes.
      const minuteStart = Math.floor(start / 60) * 60;
      const minuteEnd = Math.ceil(end / 60) * 60;
      const truth = simulator.truth({ endpoint: 'completions', start: minuteStart, end: minuteEnd, api_key_ids: [key] });
      expect(record.aggregate_metrics.TOK_IN, id).toBe(truth.input_tokens);
      expect(record.aggregate_metrics.TOK_OUT, id).toBe(truth.output_tokens);
      const steps = record.steps as Array<{ tokens_in: number; tokens_out: number }>;
      expect(steps.reduce((sum, step) => sum + step.tokens_in, 0)).toBe(truth.input_tokens);
      expect(steps.reduce((sum, step) => sum + step.tokens_out, 0)).toBe(truth.output_tokens);
    }
    const alpha = await readRun(runsDir, 'alpha', 'a1');
    expect(alpha.usage_api_reconciliation.steps_updated.map((step: { method: string }) => step.method)).toEqual(['apportioned', 'apportioned', 'apportioned']);
  });

  it('reconciles 1,000 runs of 5 steps over 20 hours on one scope with exactly one usage request', async () => {
    const base = 1_763_600_040;
    const runSeconds = 72; // 1,000 back-to-back runs over 20 hours
    const now = new Date((base + 1000 * runSeconds + 31 * 60) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    const events: SimEvent[] = [];
    for (let run = 0; run < 1000; run += 1) {
      const start = base + run * runSeconds;
      await writeRunFile(runsDir, 'swarm', `r${String(run).padStart(4, '0')}`, runRecord(`r${String(run).padStart(4, '0')}`, Array.from({ length: 5 }, (_, step) => ({ start: start + step * 14, end: start + step * 14 + 14 })), { usage_scope: { provider: 'openai', project_id: 'proj_swarm' } }));
      events.push({ ...event(start + 5, 'key_swarm', 1000 + run, 100 + (run % 7)), project_id: 'proj_swarm' });
      events.push({ ...event(start + 40, 'key_swarm', 500, 50), project_id: 'proj_swarm' });
    }
    simulator.addEvents(events);

    const report = await reconcile(repo.work, simulator.url, now);

    expect(simulator.requestLog.filter((request) => request.endpoint === 'completions')).toHaveLength(1);
    expect(report.outputs['runs-reconciled']).toBe('1000');
    const truth = simulator.truth({ endpoint: 'completions', start: base - 60, end: base + 1000 * runSeconds + 60, project_ids: ['proj_swarm'] });
    let totalIn = 0;
    let totalOut = 0;
    for (const run of [0, 1, 499, 999]) {
      const record = await readRun(runsDir, 'swarm', `r${String(run).padStart(4, '0')}`);
      const steps = record.steps as Array<{ tokens_in: number }>;
      expect(steps.reduce((sum, step) => sum + step.tokens_in, 0)).toBe(record.aggregate_metrics.TOK_IN);
    }
    for (let run = 0; run < 1000; run += 1) {
      const record = await readRun(runsDir, 'swarm', `r${String(run).padStart(4, '0')}`);
      totalIn += record.aggregate_metrics.TOK_IN;
      totalOut += record.aggregate_metrics.TOK_OUT;
    }
    expect(totalIn).toBe(truth.input_tokens);
    expect(totalOut).toBe(truth.output_tokens);
  });

  it('changes nothing the second time, recomputes the same figures with --force, and leaves a young run alone but listed', async () => {
    const now = new Date((STEP_END + 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    simulator.addEvents([event(STEP_START + 30, 'key_x', 1234, 56), event(STEP_END + 1200, 'key_x', 77, 7)]);
    await writeRunFile(runsDir, 'fw', 'old', runRecord('old', [{ start: STEP_START, end: STEP_END }], { usage_scope: { provider: 'openai', api_key_id: 'key_x' } }));
    await writeRunFile(runsDir, 'fw', 'young', runRecord('young', [{ start: STEP_END + 2500, end: STEP_END + 3000 }], { usage_scope: { provider: 'openai', api_key_id: 'key_x' } }));

    const first = await reconcile(repo.work, simulator.url, now);
    expect(first.runs.find((run) => run.id === 'fw/old')?.outcome).toBe('reconciled');
    expect(first.runs.find((run) => run.id === 'fw/young')?.outcome).toBe('too-young');
    const afterFirst = await readTree(repo.work);
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);

    const second = await reconcile(repo.work, simulator.url, now);
    expect(second.written).toEqual([]);
    expect(second.commitSha).toBeNull();
    const forced = await reconcile(repo.work, simulator.url, now, { force: 'true' }, ['fw', 'old']);
    expect(forced.runs.map((run) => [run.id, run.outcome])).toEqual([['fw/old', 'unchanged']]);
    expect(await readTree(repo.work)).toEqual(afterFirst);
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);

    // The provider restates the old run's window: a forced reconcile records it as RUN_DRIFT.
    simulator.addEvents([event(STEP_START + 90, 'key_x', 100, 0)]);
    const drifted = await reconcile(repo.work, simulator.url, now, { force: 'true' }, ['fw', 'old']);
    expect(drifted.runs.map((run) => [run.id, run.outcome])).toEqual([['fw/old', 'reconciled']]);
    expect(drifted.findings).toEqual([
      expect.objectContaining({ code: 'RUN_DRIFT', severity: 'medium', figures: expect.objectContaining({ tokens_before: 1290, tokens_after: 1390 }) }),
    ]);

    const listed = await reconcile(repo.work, simulator.url, now, { list: 'true' });
    expect(listed.listed).toBe(true);
    expect(listed.runs.find((run) => run.id === 'fw/young')).toMatchObject({ outcome: 'too-young' });
    expect(listed.outputs['runs-pending']).toBe('1');
  });

  it('keeps a run pending with nothing written when the provider has no data yet, and byte-identical on a fetch error', async () => {
    const now = new Date((STEP_END + 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now, scenarios: ['server-error'] });
    const file = await writeRunFile(runsDir, 'fw', 'run', runRecord('run', [{ start: STEP_START, end: STEP_END }], { usage_scope: { provider: 'openai', api_key_id: 'key_y' } }));
    const before = await readFile(file, 'utf8');
    const failed = await reconcile(repo.work, simulator.url, now, { 'max-retries': '1' });
    expect(failed.outputs['runs-failed']).toBe('1');
    expect(failed.findings.map((finding) => finding.code)).toEqual(['PROVIDER_ERROR']);
    expect(await readFile(file, 'utf8')).toBe(before);
    await simulator.close();

    simulator = await startSimulator({ org: 'empty', now: () => now });
    const empty = await reconcile(repo.work, simulator.url, now);
    expect(empty.runs[0]?.outcome).toBe('data_not_available');
    expect(empty.outputs['runs-pending']).toBe('1');
    expect(empty.written).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('a filtered reconcile still lets runs outside the filter take their share of a shared minute', async () => {
    const base = 1_763_700_000;
    const now = new Date((base + 3 * 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    // One minute [base+60, base+120) shared by the end of run p and the start of run q.
    simulator.addEvents([event(base + 10, 'key_pq', 600, 60), event(base + 70, 'key_pq', 1200, 120), event(base + 150, 'key_pq', 300, 30)]);
    const scope = { usage_scope: { provider: 'openai', api_key_id: 'key_pq' } };
    await writeRunFile(runsDir, 'fw', 'p', runRecord('p', [{ start: base, end: base + 90 }], scope));
    await writeRunFile(runsDir, 'fw', 'q', runRecord('q', [{ start: base + 90, end: base + 170 }], scope));

    await reconcile(repo.work, simulator.url, now, { 'reconcile-margin': '0' }, ['fw', 'q']);

    // q overlaps the shared minute for 30 of its 60 seconds, p for the other 30.
    expect((await readRun(runsDir, 'fw', 'q')).aggregate_metrics).toMatchObject({ TOK_IN: 600 + 300, TOK_OUT: 60 + 30 });
    expect((await readRun(runsDir, 'fw', 'p')).aggregate_metrics).toMatchObject({ TOK_IN: 0, TOK_OUT: 0 });
  });

  it('accepts fractional timestamps as runners write them, without inventing overlaps', async () => {
    const base = 1_763_700_000;
    const now = new Date((base + 3 * 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    simulator.addEvents([event(base + 20, 'key_frac', 700, 70), event(base + 100, 'key_frac', 300, 30)]);
    const scope = { usage_scope: { provider: 'openai', api_key_id: 'key_frac' } };
    await writeRunFile(runsDir, 'fw', 'f1', runRecord('f1', [{ start: base + 0.25, end: base + 45.5 }, { start: base + 45.5, end: base + 45.9 }], scope));
    await writeRunFile(runsDir, 'fw', 'f2', runRecord('f2', [{ start: base + 45.9, end: base + 130.75 }], scope));

    const report = await reconcile(repo.work, simulator.url, now, { 'reconcile-margin': '0' });

    expect(report.findings).toEqual([]);
    const f1 = (await readRun(runsDir, 'fw', 'f1')).aggregate_metrics;
    const f2 = (await readRun(runsDir, 'fw', 'f2')).aggregate_metrics;
    expect(f1.TOK_IN + f2.TOK_IN).toBe(1000);
    expect(f1.TOK_OUT + f2.TOK_OUT).toBe(100);
  });

  it('reports unscoped and overlapping runs instead of guessing', async () => {
    const now = new Date((STEP_END + 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    simulator.addEvents([event(STEP_START + 30, 'key_z', 1000, 100)]);
    await writeRunFile(runsDir, 'fw', 'unscoped', runRecord('unscoped', [{ start: STEP_START, end: STEP_END }]));
    await writeRunFile(runsDir, 'fw', 'one', runRecord('one', [{ start: STEP_START, end: STEP_END }], { usage_scope: { provider: 'openai', api_key_id: 'key_z' } }));
    await writeRunFile(runsDir, 'fw', 'two', runRecord('two', [{ start: STEP_START + 60, end: STEP_END + 60 }], { usage_scope: { provider: 'openai', api_key_id: 'key_z' } }));
    const before = await readTree(runsDir);
    const report = await reconcile(repo.work, simulator.url, now);
    expect(report.findings.map((finding) => finding.code).sort()).toEqual(['RUN_OVERLAP', 'RUN_OVERLAP', 'UNSCOPED_RUN']);
    expect(await readTree(runsDir)).toEqual(before);
    expect(simulator.requestLog).toHaveLength(0);

    // The framework-to-scope map scopes the unscoped run; it overlaps nothing on key_q.
    simulator.addEvents([event(STEP_START + 30, 'key_q', 42, 4)]);
    const scoped = await reconcile(repo.work, simulator.url, now, { 'run-scopes': 'fw=key_q' }, ['fw', 'unscoped']);
    expect(scoped.outputs['runs-reconciled']).toBe('1');
    expect((await readRun(runsDir, 'fw', 'unscoped')).aggregate_metrics).toMatchObject({ TOK_IN: 42, TOK_OUT: 4 });
  });

  it('reports every bad record by file and field, leaves it byte-identical, and reconciles the valid runs beside it', async () => {
    const now = new Date((STEP_END + 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    simulator.addEvents([event(STEP_START + 30, 'key_ok', 500, 50)]);
    const scope = { usage_scope: { provider: 'openai', api_key_id: 'key_ok' } };
    await writeRunFile(runsDir, 'fw', 'good', runRecord('good', [{ start: STEP_START, end: STEP_END }], scope));
    const badFiles = [
      await writeRunFile(runsDir, 'fw', 'backwards', runRecord('backwards', [{ start: STEP_END, end: STEP_START }], scope)),
      await writeRunFile(runsDir, 'fw', 'millis', runRecord('millis', [{ start: STEP_START * 1000, end: STEP_END * 1000 }], scope)),
    ];
    const malformed = path.join(runsDir, 'fw', 'broken', 'metrics.json');
    await writeRunFile(runsDir, 'fw', 'broken', {});
    await writeFile(malformed, '{"run_id": "broken", "steps": [');
    badFiles.push(malformed);
    const before = new Map<string, string>();
    for (const file of badFiles) before.set(file, await readFile(file, 'utf8'));

    const report = await reconcile(repo.work, simulator.url, now);

    expect(report.findings.filter((finding) => finding.code === 'BAD_RUN_RECORD')).toHaveLength(3);
    for (const file of badFiles) expect(await readFile(file, 'utf8')).toBe(before.get(file));
    expect((await readRun(runsDir, 'fw', 'good')).aggregate_metrics.TOK_IN).toBe(500);
    expect(report.outputs['runs-failed']).toBe('3');
  });
});
