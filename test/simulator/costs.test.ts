// Costs are priced from the same events as usage, exactly: the amounts of any grouping
// add up, digit for digit, to truthCost, and money is never written through a float.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDecimals } from '../../src/domain/decimal.js';
import { ExactNumber } from '../../src/lib/json/json.js';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { DAY, get, getAll, NOW, TODAY, type Bucket } from './helpers.js';

const COSTS = '/organization/costs';

function amounts(buckets: readonly Bucket[]): string[] {
  return buckets.flatMap((bucket) =>
    bucket.results.map((result) => {
      const value = (result.amount as { value: unknown }).value;
      expect(value).toBeInstanceOf(ExactNumber);
      return (value as ExactNumber).toDecimal();
    }),
  );
}

function event(overrides: Partial<SimEvent>): SimEvent {
  return { timestamp: TODAY - DAY + 600, endpoint: 'completions', project_id: 'proj_a', api_key_id: 'key_a', user_id: 'user-a', model: 'gpt-4o-mini-2024-07-18', ...overrides };
}

describe('costs', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it.each([[[]], [['line_item']], [['project_id']], [['project_id', 'line_item', 'api_key_id']]])(
    'amounts grouped by %j sum exactly to truthCost',
    async (groupBy) => {
      const start = TODAY - 30 * DAY;
      const end = TODAY + DAY;
      const { buckets } = await getAll(simulator, COSTS, { start_time: start, end_time: end, limit: 31, group_by: groupBy });
      expect(buckets).toHaveLength(31);
      const total = simulator.truthCost({ start, end });
      expect(total).toMatch(/^\d+\.\d{6}$/);
      expect(addDecimals(amounts(buckets))).toBe(total);
    },
  );

  it('writes results in the costs shape, with quantity and unit only per line item', async () => {
    const range = { start_time: TODAY - 2 * DAY, end_time: TODAY };
    const byLine = await get(simulator, COSTS, { ...range, group_by: ['line_item', 'project_id'] });
    expect(byLine.text).toMatch(/"value":\d+\.\d{6}[,}]/);
    const results = byLine.body.data.flatMap((bucket) => bucket.results);
    expect(results.length).toBeGreaterThan(10);
    for (const result of results) {
      expect(Object.keys(result).sort()).toEqual(['amount', 'api_key_id', 'line_item', 'object', 'project_id', 'quantity', 'quantity_unit']);
      expect(result.object).toBe('organization.costs.result');
      expect((result.amount as { currency: string }).currency).toBe('usd');
      expect(typeof result.line_item).toBe('string');
      expect(result.project_id).toMatch(/^proj_/);
      expect(result.api_key_id).toBeNull();
      expect(Number.isInteger(result.quantity)).toBe(true);
      expect(['tokens', 'images', 'characters', 'duration_seconds', 'byte_days', 'sessions', 'calls']).toContain(result.quantity_unit);
    }
    expect(results.map((r) => r.line_item)).toContain('gpt-4o-2024-08-06, output');
    const plain = await get(simulator, COSTS, range);
    expect(plain.body.data.map((bucket) => bucket.results.length)).toEqual([1, 1]);
    expect(plain.body.data[0]!.results[0]).toMatchObject({ line_item: null, project_id: null, quantity: null, quantity_unit: null });
  });

  it('project_ids and api_key_ids restrict the costs', async () => {
    const range = { start_time: TODAY - 3 * DAY, end_time: TODAY };
    const all = await get(simulator, COSTS, { ...range, group_by: ['project_id', 'api_key_id'] });
    const first = all.body.data[0]!.results[0]!;
    const byProject = await get(simulator, COSTS, { ...range, group_by: ['project_id'], project_ids: first.project_id as string });
    expect(new Set(byProject.body.data.flatMap((b) => b.results.map((r) => r.project_id)))).toEqual(new Set([first.project_id]));
    const byKey = await get(simulator, COSTS, { ...range, api_key_ids: first.api_key_id as string });
    const keyTotal = addDecimals(amounts(byKey.body.data));
    const expected = addDecimals(
      amounts(all.body.data.map((bucket) => ({ ...bucket, results: bucket.results.filter((r) => r.api_key_id === first.api_key_id) }))),
    );
    expect(keyTotal).toBe(expected);
  });

  it('prices events from the fixed table, per tier, rounded once per line to the micro-dollar', async () => {
    const empty = await startSimulator({ now: () => NOW, org: 'empty' });
    try {
      empty.addEvents([
        // 700k text input at $0.15/M, 300k cached at $0.075/M, 200k output at $0.60/M.
        event({ input_tokens: 1_000_000, input_cached_tokens: 300_000, output_tokens: 200_000, num_model_requests: 10 }),
        // The same in batch: half price.
        event({ batch: true, input_tokens: 1_000_000, input_cached_tokens: 300_000, output_tokens: 200_000, num_model_requests: 10 }),
        // Priority costs 7/4 of list: 1000 output tokens of gpt-4o at $17.50/M.
        event({ model: 'gpt-4o-2024-08-06', service_tier: 'priority', output_tokens: 1000, num_model_requests: 1 }),
        // 3 input tokens of gpt-4o-mini cost $0.00000045: rounds to nothing and is left off.
        event({ input_tokens: 3, num_model_requests: 1 }),
        event({ endpoint: 'images', model: 'dall-e-3', images: 3, size: '1024x1792', source: 'image.generation', num_model_requests: 3 }),
        event({ endpoint: 'audio_transcriptions', model: 'whisper-1', seconds: 90, num_model_requests: 1 }),
        event({ endpoint: 'moderations', model: 'omni-moderation-latest', input_tokens: 5000, num_model_requests: 4 }),
      ]);
      const answer = await get(empty, COSTS, { start_time: TODAY - DAY, end_time: TODAY, group_by: ['line_item'] });
      const lines = Object.fromEntries(
        answer.body.data[0]!.results.map((r) => [r.line_item, [(r.amount as { value: ExactNumber }).value.literal, r.quantity, r.quantity_unit]]),
      );
      expect(lines).toEqual({
        'gpt-4o-mini-2024-07-18, input': ['0.105000', 700_000, 'tokens'],
        'gpt-4o-mini-2024-07-18, cached input': ['0.022500', 300_000, 'tokens'],
        'gpt-4o-mini-2024-07-18, output': ['0.120000', 200_000, 'tokens'],
        'gpt-4o-mini-2024-07-18, input, batch': ['0.052500', 700_000, 'tokens'],
        'gpt-4o-mini-2024-07-18, cached input, batch': ['0.011250', 300_000, 'tokens'],
        'gpt-4o-mini-2024-07-18, output, batch': ['0.060000', 200_000, 'tokens'],
        'gpt-4o-2024-08-06, output, priority': ['0.017500', 1000, 'tokens'],
        'dall-e-3, 1024x1792': ['0.240000', 3, 'images'],
        'whisper-1': ['0.009000', 90, 'duration_seconds'],
      });
      expect(empty.truthCost({ start: TODAY - DAY, end: TODAY })).toBe('0.637750');
      expect(empty.truthCost({ start: TODAY, end: TODAY + DAY })).toBe('0');
    } finally {
      await empty.close();
    }
  });

  it('bills storage, sessions and search calls as line items of their own', async () => {
    const empty = await startSimulator({ now: () => NOW, org: 'empty' });
    try {
      const web = { endpoint: 'web_search_calls', num_model_requests: 1 } as const;
      empty.addEvents([
        // 2.5 GB held for the day at $0.10 per GB-day; storage belongs to no key.
        { timestamp: TODAY - DAY, endpoint: 'vector_stores', project_id: 'proj_a', usage_bytes: 2_500_000_000 },
        event({ endpoint: 'code_interpreter_sessions', model: undefined, num_sessions: 4 }),
        event({ ...web, model: 'gpt-4.1-2025-04-14', context_level: 'medium', num_requests: 10 }),
        event({ ...web, context_level: 'high', num_requests: 2 }),
        event({ ...web, context_level: 'low', num_requests: 1 }),
        event({ endpoint: 'file_search_calls', model: undefined, vector_store_id: 'vs_a', num_requests: 7 }),
      ]);
      const range = { start_time: TODAY - DAY, end_time: TODAY };
      const answer = await get(empty, COSTS, { ...range, group_by: ['line_item', 'api_key_id'] });
      const lines = Object.fromEntries(
        answer.body.data[0]!.results.map((r) => [r.line_item, [(r.amount as { value: ExactNumber }).value.literal, r.quantity, r.quantity_unit, r.api_key_id]]),
      );
      expect(lines).toEqual({
        'vector store storage': ['0.250000', 2_500_000_000, 'byte_days', null],
        'code interpreter sessions': ['0.120000', 4, 'sessions', 'key_a'],
        'gpt-4.1-2025-04-14, web search, medium context': ['0.350000', 10, 'calls', 'key_a'],
        'gpt-4o-mini-2024-07-18, web search, high context': ['0.060000', 2, 'calls', 'key_a'],
        'gpt-4o-mini-2024-07-18, web search, low context': ['0.025000', 1, 'calls', 'key_a'],
        'file search calls': ['0.017500', 7, 'calls', 'key_a'],
      });
      expect(empty.truthCost({ start: TODAY - DAY, end: TODAY })).toBe('0.822500');
      const byKey = await get(empty, COSTS, { ...range, api_key_ids: 'key_a' });
      expect((byKey.body.data[0]!.results[0]!.amount as { value: ExactNumber }).value.literal).toBe('0.572500');
    } finally {
      await empty.close();
    }
  });

  it('the synthetic organization is billed for every kind of tool usage', async () => {
    const answer = await get(simulator, COSTS, { start_time: TODAY - 7 * DAY, end_time: TODAY, group_by: ['line_item'] });
    const items = new Set(answer.body.data.flatMap((bucket) => bucket.results.map((r) => r.line_item as string)));
    expect(items).toContain('vector store storage');
    expect(items).toContain('code interpreter sessions');
    expect(items).toContain('file search calls');
    expect([...items].some((item) => / web search, (low|medium|high) context$/.test(item))).toBe(true);
  });
});
