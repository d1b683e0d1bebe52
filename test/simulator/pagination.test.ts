// Pages hold at most `limit` buckets and `maxResultsPerPage` results, split buckets
// continue on the next page, and following next_page reproduces the one-page answer.
// Invalid parameters and cursors are refused with OpenAI-style 400s.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { COMPLETIONS_DIMENSIONS, DAY, get, getAll, NOW, TODAY, type Query } from './helpers.js';

const GROUPED: Query = { start_time: TODAY - 5 * DAY, end_time: TODAY, group_by: [...COMPLETIONS_DIMENSIONS] };

describe('pagination', () => {
  let simulator: Simulator;
  let paged: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
    paged = await startSimulator({ now: () => NOW, maxResultsPerPage: 17 });
  });

  afterEach(async () => {
    await simulator.close();
    await paged.close();
  });

  it('concatenating small pages reproduces the one-page answer exactly', async () => {
    const single = await get(simulator, '/organization/usage/completions', GROUPED);
    expect(single.body.has_more).toBe(false);
    const { buckets, pages } = await getAll(paged, '/organization/usage/completions', GROUPED);
    const total = single.body.data.reduce((sum, bucket) => sum + bucket.results.length, 0);
    expect(pages.length).toBe(Math.ceil(total / 17));
    for (const page of pages) {
      expect(page.data.reduce((sum, bucket) => sum + bucket.results.length, 0)).toBeLessThanOrEqual(17);
    }
    expect(pages.slice(0, -1).every((page) => page.has_more && typeof page.next_page === 'string')).toBe(true);
    expect(pages.at(-1)).toMatchObject({ has_more: false, next_page: null });
    // A bucket split over pages comes back with the same window on each page.
    const splitStarts = pages.slice(1).map((page) => page.data[0]!.start_time);
    expect(splitStarts.some((start, index) => pages[index]!.data.at(-1)!.start_time === start)).toBe(true);
    expect(buckets).toEqual(single.body.data);
  });

  it('the next request repeats the filters plus page=<cursor>, as logged', async () => {
    await getAll(paged, '/organization/usage/completions', GROUPED);
    const [first, second] = paged.requestLog;
    expect(first!.query.page).toBeUndefined();
    expect(typeof second!.query.page).toBe('string');
    const { page: _page, ...rest } = second!.query;
    expect(rest).toEqual(first!.query);
  });

  it('honours limit and the default of 7 daily buckets', async () => {
    const limited = await getAll(simulator, '/organization/usage/embeddings', { start_time: TODAY - 10 * DAY, end_time: TODAY, limit: 3 });
    expect(limited.pages.map((page) => page.data.length)).toEqual([3, 3, 3, 1]);
    expect(limited.buckets.map((bucket) => bucket.start_time)).toEqual(Array.from({ length: 10 }, (_, i) => TODAY - (10 - i) * DAY));
    const byDefault = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - 10 * DAY, end_time: TODAY });
    expect(byDefault.body.data).toHaveLength(7);
    expect(byDefault.body.has_more).toBe(true);
    const hours = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - 2 * DAY, end_time: TODAY, bucket_width: '1h' });
    expect(hours.body.data).toHaveLength(24);
    const minutes = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - DAY, end_time: TODAY, bucket_width: '1m' });
    expect(minutes.body.data).toHaveLength(60);
    const costs = await get(simulator, '/organization/costs', { start_time: TODAY - 30 * DAY, end_time: TODAY });
    expect(costs.body.data).toHaveLength(7);
  });

  it.each<[string, string, Query, string]>([
    ['limit 0', 'completions', { limit: 0 }, 'limit'],
    ['limit 32 for 1d', 'completions', { limit: 32 }, 'limit'],
    ['limit 169 for 1h', 'completions', { limit: 169, bucket_width: '1h' }, 'limit'],
    ['limit 1441 for 1m', 'embeddings', { limit: 1441, bucket_width: '1m' }, 'limit'],
    ['a non-integer limit', 'completions', { limit: '7.5' }, 'limit'],
    ['limit 181 for costs', 'costs', { limit: 181 }, 'limit'],
    ['bucket_width 2d', 'completions', { bucket_width: '2d' }, 'bucket_width'],
    ['bucket_width 1h for costs', 'costs', { bucket_width: '1h' }, 'bucket_width'],
    ['group_by batch for embeddings', 'embeddings', { group_by: ['model', 'batch'] }, 'group_by'],
    ['group_by line_item for completions', 'completions', { group_by: 'line_item' }, 'group_by'],
    ['group_by model for costs', 'costs', { group_by: 'model' }, 'group_by'],
    ['batch=yes', 'completions', { batch: 'yes' }, 'batch'],
    ['an unknown image size', 'images', { sizes: '100x100' }, 'sizes'],
    ['end_time before start_time', 'completions', { end_time: TODAY - 9 * DAY }, 'end_time'],
    ['start_time not a number', 'completions', { start_time: 'last week' }, 'start_time'],
  ])('refuses %s with a 400 naming the parameter', async (_label, endpoint, overrides, param) => {
    const path = endpoint === 'costs' ? '/organization/costs' : `/organization/usage/${endpoint}`;
    const answer = await get<{ error: Record<string, unknown> }>(simulator, path, { start_time: TODAY - 7 * DAY, ...overrides });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code: null } });
  });

  it('refuses a missing start_time', async () => {
    const answer = await get<{ error: Record<string, unknown> }>(simulator, '/organization/usage/completions', { end_time: TODAY });
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('start_time');
  });

  it('refuses a garbled cursor and a cursor of another query', async () => {
    const first = await get(paged, '/organization/usage/completions', GROUPED);
    const cursor = first.body.next_page!;
    const garbled = await get<{ error: Record<string, unknown> }>(paged, '/organization/usage/completions', { ...GROUPED, page: 'not-a-cursor' });
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.param).toBe('page');
    const elsewhere = await get(paged, '/organization/usage/completions', { ...GROUPED, group_by: ['model'], page: cursor });
    expect(elsewhere.status).toBe(400);
    const costs = await get(paged, '/organization/costs', { start_time: GROUPED.start_time as number, page: cursor });
    expect(costs.status).toBe(400);
    const good = await get(paged, '/organization/usage/completions', { ...GROUPED, page: cursor });
    expect(good.status).toBe(200);
  });
});
