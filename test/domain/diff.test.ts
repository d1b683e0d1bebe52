import { describe, expect, it } from 'vitest';
import { diffRecords } from '../../src/domain/diff.js';
import type { CanonicalRecord } from '../../src/domain/records.js';
import { buildSnapshot } from '../../src/domain/snapshot.js';

function record(overrides: Partial<CanonicalRecord>): CanonicalRecord {
  return {
    provider: 'openai', endpoint: 'completions', window_start: '2026-11-19T00:00:00Z', window_end: '2026-11-20T00:00:00Z',
    project_id: 'proj_a', api_key_id: 'key_a', user_id: null, model: 'gpt-4o', batch: null, service_tier: null,
    line_item: null, source: null, size: null, input_tokens: 100, output_tokens: 10, num_model_requests: 1,
    ...overrides,
  } as CanonicalRecord;
}

describe('diffRecords', () => {
  it('matches records by key and reports exact deltas for counts and money', () => {
    const before = [record({}), record({ model: 'o3-mini' }), record({ endpoint: 'costs', line_item: 'x', amount: '0.10', currency: 'usd' })];
    const after = [record({ input_tokens: 130 }), record({ model: 'gpt-4o-mini' }), record({ endpoint: 'costs', line_item: 'x', amount: '0.3', currency: 'usd' })];
    const diff = diffRecords(before, after);
    expect(diff.added.map((r) => r.model)).toEqual(['gpt-4o-mini']);
    expect(diff.removed.map((r) => r.model)).toEqual(['o3-mini']);
    expect(diff.changed).toHaveLength(2);
    expect(diff.changed[0]?.deltas).toEqual({ input_tokens: 30 });
    expect(diff.changed[1]?.deltas).toEqual({ amount: '0.20' });
  });

  it('finds nothing between equal lists', () => {
    expect(diffRecords([record({})], [record({})])).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('buildSnapshot', () => {
  it('sorts records by key and totals tokens and money exactly', () => {
    const snapshot = buildSnapshot({
      provider: 'openai', date: '2026-11-19', origin: 'simulator', endpoints: ['completions', 'costs'], groupBy: { completions: ['model'], costs: [] },
      records: [
        record({ model: 'o3-mini', input_tokens: 5, output_tokens: 7 }),
        record({ model: 'gpt-4o' }),
        record({ endpoint: 'costs', model: null, line_item: 'a', amount: '0.1', currency: 'usd' }),
        record({ endpoint: 'costs', model: null, line_item: 'b', amount: '0.2', currency: 'usd' }),
      ].map((r) => (r.endpoint === 'costs' ? { ...r, input_tokens: undefined, output_tokens: undefined, num_model_requests: undefined } as unknown as CanonicalRecord : r)),
    });
    expect(snapshot.records.map((r) => `${r.endpoint}/${r.model}/${r.line_item}`)).toEqual(['completions/gpt-4o/null', 'completions/o3-mini/null', 'costs/null/a', 'costs/null/b']);
    expect(snapshot.totals.tokens).toBe(122);
    expect(snapshot.totals.cost).toEqual({ usd: '0.3' });
    expect(snapshot.totals.by_endpoint.completions).toEqual({ records: 2, input_tokens: 105, output_tokens: 17, num_model_requests: 2 });
    expect(snapshot.window_start).toBe('2026-11-19T00:00:00Z');
    expect(snapshot.window_end).toBe('2026-11-20T00:00:00Z');
  });
});
