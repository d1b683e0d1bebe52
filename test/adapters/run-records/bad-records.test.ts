// Every kind of bad run record: exactly one BAD_RUN_RECORD naming the file and the field,
// the file left byte-identical, and the valid run beside it still loaded.

import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { NOW, STEP_END, STEP_START, tempRuns, validRecord, writeRun, type TempRuns } from './fixtures.js';

type Steps = Array<Record<string, unknown>>;

function step(step_number: number, start: number, end: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { step_number, tokens_in: 0, tokens_out: 0, start_timestamp: start, end_timestamp: end, ...extra };
}

function withSteps(runId: string, steps: Steps): Record<string, unknown> {
  return validRecord(runId, { steps });
}

interface BadCase {
  name: string;
  /** The file's content for a run called `bad`: text is written as is. */
  content: string | Uint8Array | Record<string, unknown>;
  field: string | null;
  message: RegExp;
  windows?: string[];
}

const DAY = '2025-10-09';
const MILLIS = STEP_START * 1000;

const CASES: BadCase[] = [
  { name: 'malformed JSON', content: '{"run_id": "bad", "steps": [', field: null, message: /is not valid JSON/ },
  { name: 'a file that is not UTF-8', content: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), field: null, message: /not valid UTF-8/ },
  { name: 'a document that is not an object', content: '[1, 2]\n', field: '', message: /\(document\) must be object/ },
  { name: 'a missing aggregate', content: { run_id: 'bad', steps: [step(1, STEP_START, STEP_END)] }, field: '/aggregate_metrics', message: /\/aggregate_metrics is missing/ },
  { name: 'a missing TOK_IN', content: validRecord('bad', { aggregate_metrics: { TOK_OUT: 0, AEI: 0 } }), field: '/aggregate_metrics/TOK_IN', message: /is missing/ },
  { name: 'a missing end_timestamp', content: withSteps('bad', [{ step_number: 1, tokens_in: 0, tokens_out: 0, start_timestamp: STEP_START }]), field: '/steps/0/end_timestamp', message: /is missing/ },
  { name: 'no steps', content: withSteps('bad', []), field: '/steps', message: /fewer than 1 items/ },
  { name: 'a timestamp given as a string', content: withSteps('bad', [step(1, STEP_START, STEP_END), step(2, STEP_END, '1760016000' as unknown as number)]), field: '/steps/1/end_timestamp', message: /must be number \(found "1760016000"\)/ },
  { name: 'negative tokens', content: withSteps('bad', [step(1, STEP_START, STEP_END, { tokens_in: -5 })]), field: '/steps/0/tokens_in', message: /must be >= 0 \(found -5\)/ },
  { name: 'fractional tokens', content: withSteps('bad', [step(1, STEP_START, STEP_END, { tokens_out: 2.5 })]), field: '/steps/0/tokens_out', message: /must be integer \(found 2.5\)/ },
  { name: 'tokens past 2^53', content: '{"run_id":"bad","steps":[{"step_number":1,"tokens_in":0,"tokens_out":0,"start_timestamp":1760015386,"end_timestamp":1760015878}],"aggregate_metrics":{"TOK_IN":90071992547409930,"TOK_OUT":0,"AEI":0}}', field: '/aggregate_metrics/TOK_IN', message: /too large to count exactly/ },
  { name: 'a negative aggregate', content: validRecord('bad', { aggregate_metrics: { TOK_IN: -1, TOK_OUT: 0, AEI: 0 } }), field: '/aggregate_metrics/TOK_IN', message: /must be >= 0/ },
  { name: 'steps out of step_number order', content: withSteps('bad', [step(2, STEP_START, STEP_START + 10), step(1, STEP_START + 10, STEP_END)]), field: '/steps/1/step_number', message: /increasing order/, windows: [DAY] },
  { name: 'a repeated step_number', content: withSteps('bad', [step(1, STEP_START, STEP_START + 10), step(1, STEP_START + 10, STEP_END)]), field: '/steps/1/step_number', message: /increasing order/, windows: [DAY] },
  { name: 'steps out of time order', content: withSteps('bad', [step(1, STEP_START + 100, STEP_END), step(2, STEP_START, STEP_START + 50)]), field: '/steps/1/start_timestamp', message: /time order/, windows: [DAY] },
  { name: 'overlapping steps', content: withSteps('bad', [step(1, STEP_START, STEP_START + 100), step(2, STEP_START + 99, STEP_END)]), field: '/steps/1/start_timestamp', message: /must not overlap/, windows: [DAY] },
  { name: 'an end before its start', content: withSteps('bad', [step(1, STEP_END, STEP_START)]), field: '/steps/0/end_timestamp', message: /is before start_timestamp/, windows: [DAY] },
  { name: 'a zero-length step', content: withSteps('bad', [step(1, STEP_START, STEP_START + 10), step(2, STEP_END, STEP_END)]), field: '/steps/1/end_timestamp', message: /zero-length step cannot be attributed/, windows: [DAY] },
  { name: 'timestamps in milliseconds', content: withSteps('bad', [step(1, MILLIS, STEP_END * 1000)]), field: '/steps/0/start_timestamp', message: /looks like milliseconds/, windows: [] },
  { name: 'an end in milliseconds', content: withSteps('bad', [step(1, STEP_START, STEP_END * 1000)]), field: '/steps/0/end_timestamp', message: /looks like milliseconds/, windows: [DAY] },
  { name: 'a timestamp days in the future', content: withSteps('bad', [step(1, STEP_START, NOW.getTime() / 1000 + 2 * 86_400)]), field: '/steps/0/end_timestamp', message: /more than a day after now/, windows: [DAY] },
  { name: 'a run_id that differs from its directory', content: validRecord('other-run'), field: '/run_id', message: /"other-run" does not match its directory "bad"/, windows: [DAY] },
  { name: 'a usage_scope without a key or project', content: validRecord('bad', { usage_scope: { provider: 'openai' } }), field: '/usage_scope', message: /needs an api_key_id or a project_id/ },
  { name: 'a usage_scope of another provider', content: validRecord('bad', { usage_scope: { provider: 'anthropic', api_key_id: 'key_x' } }), field: '/usage_scope/provider', message: /must be equal to one of the allowed values/ },
  {
    name: 'a reconciliation block with an unknown method',
    content: validRecord('bad', {
      usage_api_reconciliation: {
        reconciled_at: '2025-10-09T15:17:58Z', status: 'success', total_tokens_in: 1, total_tokens_out: 0, steps_with_tokens: 1, total_steps: 2,
        steps_updated: [{ step: 1, status: 'updated', tokens_in: 1, tokens_out: 0, method: 'guessed' }],
      },
    }),
    field: '/usage_api_reconciliation/steps_updated/0/method',
    message: /allowed values/,
  },
  { name: 'a successful reconciliation without totals', content: validRecord('bad', { usage_api_reconciliation: { reconciled_at: '2025-10-09T15:17:58Z', status: 'success' } }), field: '/usage_api_reconciliation/total_tokens_in', message: /is missing/ },
  { name: 'a reconciliation scope naming nothing', content: validRecord('bad', { usage_api_reconciliation: { reconciled_at: '2025-10-09T15:17:58Z', status: 'error', scope: { provider: 'openai' } } }), field: '/usage_api_reconciliation/scope', message: /needs an api_key_id, a project_id or "unscoped": true/ },
];

describe('bad run records', () => {
  let temp: TempRuns;

  beforeEach(async () => {
    temp = await tempRuns();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it.each(CASES)('$name: one finding naming file and field, file untouched, neighbours loaded', async ({ content, field, message, windows }) => {
    await writeRun(temp.runsDir, 'fw', 'a-good', validRecord('a-good'));
    const bad = await writeRun(temp.runsDir, 'fw', 'bad', content);
    await writeRun(temp.runsDir, 'fw', 'z-good', validRecord('z-good'));
    const before = await readFile(bad);

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.runs.map((run) => run.runId)).toEqual(['a-good', 'z-good']);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({ code: 'BAD_RUN_RECORD', severity: 'medium', provider: null, figures: { file: 'runs/fw/bad/metrics.json', field } });
    expect(finding!.message).toMatch(/^runs\/fw\/bad\/metrics\.json: /);
    if (field) expect(finding!.message).toContain(` ${field} `);
    expect(finding!.message).toMatch(message);
    if (windows) expect(finding!.windows).toEqual(windows);
    expect(await readFile(bad)).toEqual(before);
  });

  it('reports each bad file once, in order, and names the day of the first step when it is readable', async () => {
    await writeRun(temp.runsDir, 'fw', 'b-overlap', withSteps('b-overlap', [step(1, STEP_START, STEP_END), step(2, STEP_START + 5, STEP_END + 5)]));
    await writeRun(temp.runsDir, 'fw', 'a-broken', '{');
    await writeRun(temp.runsDir, 'fw', 'c-good', validRecord('c-good'));

    const result = await loadRuns(temp.runsDir, {}, NOW);

    expect(result.findings.map((finding) => [finding.figures.file, finding.windows])).toEqual([
      ['runs/fw/a-broken/metrics.json', []],
      ['runs/fw/b-overlap/metrics.json', [DAY]],
    ]);
    expect(result.runs.map((run) => run.runId)).toEqual(['c-good']);
  });
});
