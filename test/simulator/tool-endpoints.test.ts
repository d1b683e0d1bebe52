// The four tool usage endpoints (vector stores, code interpreter sessions, web and file
// search calls) answer in their published shapes, group and filter only as documented,
// and sum to truth() like the model endpoints do.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { DAY, ENDPOINT_FIELDS, get, getAll, NOW, resultObjectOf, sumResults, TODAY, type Bucket } from './helpers.js';

const TOOLS = Object.fromEntries(
  ['vector_stores', 'code_interpreter_sessions', 'web_search_calls', 'file_search_calls'].map((endpoint) => [endpoint, { ...ENDPOINT_FIELDS[endpoint]!, object: resultObjectOf(endpoint) }]),
);

const path = (endpoint: string): string => `/organization/usage/${endpoint}`;
const resultsOf = (buckets: readonly Bucket[]) => buckets.flatMap((bucket) => bucket.results);

describe('tool usage endpoints', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it.each(Object.entries(TOOLS))('%s lists fields in schema order, dimensions null unless grouped', async (endpoint, tool) => {
    const range = { start_time: TODAY - 7 * DAY, end_time: TODAY };
    const plain = await get(simulator, path(endpoint), range);
    expect(plain.status).toBe(200);
    const totals = resultsOf(plain.body.data);
    expect(totals.length).toBeGreaterThan(0);
    for (const result of totals) {
      expect(Object.keys(result)).toEqual(['object', ...tool.counters, ...tool.dimensions]);
      expect(result.object).toBe(tool.object);
      for (const counter of tool.counters) expect(Number.isInteger(result[counter]), counter).toBe(true);
      for (const dimension of tool.dimensions) expect(result[dimension], dimension).toBeNull();
    }
    const grouped = await get(simulator, path(endpoint), { ...range, group_by: tool.dimensions });
    for (const result of resultsOf(grouped.body.data)) {
      for (const dimension of tool.dimensions) expect(typeof result[dimension], dimension).toBe('string');
    }
  });

  it.each(Object.entries(TOOLS))('%s sums to truth() over ten days, by day and by hour', async (endpoint, tool) => {
    const start = TODAY - 10 * DAY;
    const kind = endpoint as SimEvent['endpoint'];
    const { buckets } = await getAll(simulator, path(endpoint), { start_time: start, end_time: TODAY, limit: 10, group_by: tool.dimensions });
    const truth = simulator.truth({ endpoint: kind, start, end: TODAY });
    expect(Object.keys(truth).sort()).toEqual([...tool.counters].sort());
    expect(sumResults(buckets, tool.counters)).toEqual(truth);
    const hours = await get(simulator, path(endpoint), { start_time: TODAY - 2 * DAY, end_time: TODAY - DAY, bucket_width: '1h' });
    expect(sumResults(hours.body.data, tool.counters)).toEqual(simulator.truth({ endpoint: kind, start: TODAY - 2 * DAY, end: TODAY - DAY }));
  });

  it('has tool usage on most days of a month, and storage every day', async () => {
    const start = TODAY - 28 * DAY;
    for (const endpoint of Object.keys(TOOLS)) {
      const { buckets } = await getAll(simulator, path(endpoint), { start_time: start, end_time: TODAY, limit: 28 });
      const busy = buckets.filter((bucket) => bucket.results.length > 0).length;
      expect(busy, endpoint).toBeGreaterThanOrEqual(endpoint === 'vector_stores' ? 28 : 20);
    }
  });

  it('reports each project\'s stored bytes once a day, at midnight, in the MB to GB range', async () => {
    const day = TODAY - 3 * DAY;
    const byProject = await get(simulator, path('vector_stores'), { start_time: day, end_time: day + DAY, group_by: ['project_id'] });
    const projects = byProject.body.data[0]!.results;
    expect(projects.length).toBeGreaterThan(0);
    for (const result of projects) {
      expect(result.usage_bytes as number).toBeGreaterThan(1_000_000);
      expect(result.usage_bytes as number).toBeLessThan(20_000_000_000);
    }
    const minutes = await get(simulator, path('vector_stores'), { start_time: day, end_time: day + 3600, bucket_width: '1m' });
    expect(minutes.body.data.map((bucket) => bucket.results.length > 0).indexOf(true)).toBe(0);
    expect(sumResults(minutes.body.data, ['usage_bytes'])).toEqual(sumResults(byProject.body.data, ['usage_bytes']));
  });

  it('rejects grouping or filtering by what an endpoint does not report', async () => {
    const range = { start_time: TODAY - DAY, end_time: TODAY };
    const cases: [string, Record<string, string>, string][] = [
      ['vector_stores', { group_by: 'model' }, 'group_by'],
      ['code_interpreter_sessions', { group_by: 'api_key_id' }, 'group_by'],
      ['file_search_calls', { group_by: 'model' }, 'group_by'],
      ['web_search_calls', { group_by: 'vector_store_id' }, 'group_by'],
      ['web_search_calls', { context_levels: 'huge' }, 'context_levels'],
    ];
    for (const [endpoint, query, param] of cases) {
      const answer = await get<{ error: { param: string } }>(simulator, path(endpoint), { ...range, ...query });
      expect(answer.status, `${endpoint} ${JSON.stringify(query)}`).toBe(400);
      expect(answer.body.error.param).toBe(param);
    }
  });

  it('filters web searches by context level and model, and file searches by vector store', async () => {
    const range = { start_time: TODAY - 7 * DAY, end_time: TODAY };
    const web = await get(simulator, path('web_search_calls'), { ...range, group_by: ['context_level', 'model'] });
    const webResults = resultsOf(web.body.data);
    expect(new Set(webResults.map((r) => r.context_level)).size).toBeGreaterThan(1);
    const high = await get(simulator, path('web_search_calls'), { ...range, group_by: ['context_level'], context_levels: ['high'] });
    expect(resultsOf(high.body.data).every((r) => r.context_level === 'high')).toBe(true);
    const expected = sumResults([{ ...web.body.data[0]!, results: webResults.filter((r) => r.context_level === 'high') }], TOOLS.web_search_calls!.counters);
    expect(sumResults(high.body.data, TOOLS.web_search_calls!.counters)).toEqual(expected);
    const model = webResults[0]!.model as string;
    const byModel = await get(simulator, path('web_search_calls'), { ...range, group_by: ['model'], models: model });
    expect(new Set(resultsOf(byModel.body.data).map((r) => r.model))).toEqual(new Set([model]));

    const files = await get(simulator, path('file_search_calls'), { ...range, group_by: ['vector_store_id', 'project_id'] });
    const store = resultsOf(files.body.data)[0]!;
    expect(store.vector_store_id).toMatch(/^vs_/);
    const one = await get(simulator, path('file_search_calls'), { ...range, group_by: ['vector_store_id', 'project_id'], vector_store_ids: store.vector_store_id as string });
    const seen = resultsOf(one.body.data);
    expect(seen.every((r) => r.vector_store_id === store.vector_store_id && r.project_id === store.project_id)).toBe(true);
  });

  it('project_ids restricts storage and sessions to that project', async () => {
    const start = TODAY - 7 * DAY;
    for (const endpoint of ['vector_stores', 'code_interpreter_sessions']) {
      const all = await get(simulator, path(endpoint), { start_time: start, end_time: TODAY, group_by: ['project_id'] });
      const project = resultsOf(all.body.data)[0]!.project_id as string;
      const one = await get(simulator, path(endpoint), { start_time: start, end_time: TODAY, project_ids: project });
      const kind = endpoint as SimEvent['endpoint'];
      expect(sumResults(one.body.data, TOOLS[endpoint]!.counters)).toEqual(simulator.truth({ endpoint: kind, start, end: TODAY, project_ids: [project] }));
      expect(resultsOf(one.body.data).every((r) => r.project_id === null)).toBe(true);
    }
  });
});
