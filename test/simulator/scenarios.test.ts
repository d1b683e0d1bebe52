// Each scenario's observable misbehaviour, alone and combined.

import { afterEach, describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, startSimulator, type ScenarioName, type Simulator } from '../../src/simulator/index.js';
import { COMPLETIONS_COUNTERS, COMPLETIONS_DIMENSIONS, DAY, get, getAll, NOW, sumResults, TODAY, type Query } from './helpers.js';

const WEEK: Query = { start_time: TODAY - 6 * DAY, end_time: TODAY + DAY, group_by: [...COMPLETIONS_DIMENSIONS] };
const COMPLETIONS = '/organization/usage/completions';

const running: Simulator[] = [];

async function simulatorWith(...scenarios: ScenarioName[]): Promise<Simulator> {
  const simulator = await startSimulator({ now: () => NOW, scenarios });
  running.push(simulator);
  return simulator;
}

function tokensOf(results: readonly Record<string, unknown>[]): number {
  return results.reduce((sum, result) => sum + Number(result.input_tokens) + Number(result.output_tokens), 0);
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

describe('scenarios', () => {
  it('lists every scenario name', () => {
    expect([...SCENARIO_NAMES].sort()).toEqual(
      [
        'duplicate-bucket',
        'flaky',
        'late-data',
        'malformed-page',
        'missing-day',
        'out-of-range-bucket',
        'overlapping-pages',
        'paginated',
        'rate-limit',
        'rate-limit-no-retry-after',
        'repeated-cursor',
        'restatement',
        'server-error',
      ],
    );
  });

  it('late-data: each fetch reveals more of today while past days stay put, until all of today is in', async () => {
    const simulator = await simulatorWith('late-data');
    const steady = await simulatorWith();
    const fetches: number[] = [];
    let past: unknown;
    for (let index = 0; index < 6; index += 1) {
      const { body } = await get(simulator, COMPLETIONS, WEEK);
      fetches.push(tokensOf(body.data.at(-1)!.results));
      if (index === 0) past = body.data.slice(0, -1);
      else expect(body.data.slice(0, -1)).toEqual(past);
      // truth() is what the provider shows now, i.e. what the last fetch saw.
      expect(sumResults([body.data.at(-1)!], COMPLETIONS_COUNTERS)).toEqual(simulator.truth({ endpoint: 'completions', start: TODAY, end: TODAY + DAY }));
    }
    for (let index = 1; index < 5; index += 1) expect(fetches[index]).toBeGreaterThan(fetches[index - 1]!);
    const complete = (await get(steady, COMPLETIONS, WEEK)).body;
    expect(fetches[5]).toBe(tokensOf(complete.data.at(-1)!.results));
    expect(past).toEqual(complete.data.slice(0, -1));
  });

  it('restatement: serving a query again raises day -3 by exactly 3%, once, and no other day', async () => {
    const simulator = await simulatorWith('restatement');
    const day = TODAY - 3 * DAY;
    const before = simulator.truth({ endpoint: 'completions', start: day, end: day + DAY });
    const first = (await get(simulator, COMPLETIONS, WEEK)).body;
    // A different query served for the first time changes nothing.
    await get(simulator, COMPLETIONS, { ...WEEK, group_by: ['model'] });
    const unchanged = simulator.truth({ endpoint: 'completions', start: day, end: day + DAY });
    expect(unchanged).toEqual(before);
    const second = (await get(simulator, COMPLETIONS, WEEK)).body;
    const third = (await get(simulator, COMPLETIONS, WEEK)).body;
    const beforeTokens = before.input_tokens! + before.output_tokens!;
    const index = 3;
    expect(second.data[index]!.start_time).toBe(day);
    expect(tokensOf(first.data[index]!.results)).toBe(beforeTokens);
    expect(tokensOf(second.data[index]!.results) - beforeTokens).toBe(Math.round(beforeTokens * 0.03));
    // The revision raises an existing record rather than adding one.
    expect(second.data[index]!.results).toHaveLength(first.data[index]!.results.length);
    expect(third).toEqual(second);
    second.data.forEach((bucket, position) => {
      if (position !== index) expect(bucket).toEqual(first.data[position]);
    });
  });

  it('restatement: the later pages of one fetch do not count as serving it again', async () => {
    const simulator = await startSimulator({ now: () => NOW, scenarios: ['restatement'], maxResultsPerPage: 50 });
    running.push(simulator);
    const day = TODAY - 3 * DAY;
    const before = simulator.truth({ endpoint: 'completions', start: day, end: day + DAY });
    const { pages } = await getAll(simulator, COMPLETIONS, WEEK);
    expect(pages.length).toBeGreaterThan(2);
    expect(simulator.truth({ endpoint: 'completions', start: day, end: day + DAY })).toEqual(before);
    await getAll(simulator, COMPLETIONS, WEEK);
    expect(simulator.truth({ endpoint: 'completions', start: day, end: day + DAY }).input_tokens).toBeGreaterThan(before.input_tokens!);
  });

  it('rate-limit: the first two requests of every distinct query get 429 with Retry-After: 1', async () => {
    const simulator = await simulatorWith('rate-limit');
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const answer = await get(simulator, COMPLETIONS, WEEK);
      statuses.push(answer.status);
      if (answer.status === 429) expect(answer.headers.get('retry-after')).toBe('1');
    }
    expect(statuses).toEqual([429, 429, 200]);
    expect((await get(simulator, COMPLETIONS, { ...WEEK, limit: 3 })).status).toBe(429);
    expect((await get(simulator, '/organization/costs', { start_time: TODAY - DAY })).status).toBe(429);
  });

  it('rate-limit-no-retry-after: the same 429s without Retry-After', async () => {
    const simulator = await simulatorWith('rate-limit-no-retry-after');
    const first = await get(simulator, COMPLETIONS, WEEK);
    const second = await get(simulator, COMPLETIONS, WEEK);
    const third = await get(simulator, COMPLETIONS, WEEK);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(second.headers.get('retry-after')).toBeNull();
  });

  it('server-error: every completions request answers 503, other endpoints are fine', async () => {
    const simulator = await simulatorWith('server-error');
    for (let index = 0; index < 3; index += 1) expect((await get(simulator, COMPLETIONS, WEEK)).status).toBe(503);
    expect((await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - DAY })).status).toBe(200);
    expect((await get(simulator, '/organization/costs', { start_time: TODAY - DAY })).status).toBe(200);
  });

  it('flaky: the first request of every distinct query answers 502 and its retry succeeds', async () => {
    const simulator = await simulatorWith('flaky');
    const failed = await get<{ error: { type: string } }>(simulator, COMPLETIONS, WEEK);
    expect(failed.status).toBe(502);
    expect(failed.body.error.type).toBe('server_error');
    expect((await get(simulator, COMPLETIONS, WEEK)).status).toBe(200);
    expect((await get(simulator, COMPLETIONS, { ...WEEK, group_by: 'model' })).status).toBe(502);
  });

  it('rate-limit and flaky combine: two 429s, then a 502, then the answer', async () => {
    const simulator = await simulatorWith('rate-limit', 'flaky');
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await get(simulator, COMPLETIONS, WEEK)).status);
    expect(statuses).toEqual([429, 429, 502, 200]);
  });

  it('repeated-cursor: completions pages from the second on hand back the cursor just sent', async () => {
    const simulator = await simulatorWith('repeated-cursor');
    const first = (await get(simulator, COMPLETIONS, WEEK)).body;
    expect(first.has_more).toBe(true);
    const cursor = first.next_page!;
    const second = (await get(simulator, COMPLETIONS, { ...WEEK, page: cursor })).body;
    expect(second).toMatchObject({ has_more: true, next_page: cursor });
    expect(second.data.length).toBeGreaterThan(0);
    const third = (await get(simulator, COMPLETIONS, { ...WEEK, page: cursor })).body;
    expect(third.next_page).toBe(cursor);
    // Other endpoints paginate normally.
    const embeddings = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - 6 * DAY, group_by: 'model' });
    expect(embeddings.body.has_more).toBe(false);
  });

  it('malformed-page: the first result of each non-empty completions bucket has input_tokens as a string', async () => {
    const simulator = await simulatorWith('malformed-page');
    const { body } = await get(simulator, COMPLETIONS, { ...WEEK, end_time: TODAY + 3 * DAY });
    const nonEmpty = body.data.filter((bucket) => bucket.results.length > 0);
    expect(nonEmpty).toHaveLength(7);
    for (const bucket of nonEmpty) {
      expect(typeof bucket.results[0]!.input_tokens).toBe('string');
      expect(bucket.results.slice(1).every((result) => typeof result.input_tokens === 'number')).toBe(true);
    }
    const embeddings = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - DAY });
    expect(typeof embeddings.body.data[0]!.results[0]!.input_tokens).toBe('number');
  });

  it('missing-day: the bucket of day -2 is left out of usage and costs responses', async () => {
    const simulator = await simulatorWith('missing-day');
    const missing = TODAY - 2 * DAY;
    const usage = (await get(simulator, COMPLETIONS, WEEK)).body;
    expect(usage.data.map((bucket) => bucket.start_time)).toEqual([0, 1, 2, 3, 5, 6].map((i) => TODAY - (6 - i) * DAY));
    const costs = (await get(simulator, '/organization/costs', { start_time: TODAY - 6 * DAY, end_time: TODAY + DAY })).body;
    expect(costs.data.map((bucket) => bucket.start_time)).not.toContain(missing);
    expect(costs.data).toHaveLength(6);
    const hours = (await get(simulator, '/organization/usage/embeddings', { start_time: missing - 2 * 3600, end_time: missing + 3600, bucket_width: '1h' })).body;
    expect(hours.data.map((bucket) => bucket.start_time)).toEqual([missing - 2 * 3600, missing - 3600]);
    // The usage itself still exists; only the answer leaves it out.
    expect(simulator.truth({ endpoint: 'completions', start: missing, end: missing + DAY }).num_model_requests).toBeGreaterThan(0);
  });

  it('paginated: a grouped day spans several pages of at most 7 results that add up to the steady answer', async () => {
    const simulator = await simulatorWith('paginated');
    const steady = await simulatorWith();
    const day = { start_time: TODAY - 3 * DAY, end_time: TODAY - 2 * DAY, group_by: [...COMPLETIONS_DIMENSIONS] };
    const { buckets, pages } = await getAll(simulator, COMPLETIONS, day);
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(page.data[0]!.results.length).toBeLessThanOrEqual(7);
    expect(pages.every((page) => page.data[0]!.start_time === day.start_time)).toBe(true);
    expect(buckets).toEqual((await get(steady, COMPLETIONS, day)).body.data);
  });
});
