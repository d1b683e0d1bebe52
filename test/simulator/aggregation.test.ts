// Results are sums over the organization's events: grouped or not, by day or by minute,
// filtered or not, they add up to exactly what truth() says exists.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { COMPLETIONS_COUNTERS, COMPLETIONS_DIMENSIONS, DAY, get, getAll, NOW, sumResults, TODAY } from './helpers.js';

describe('aggregation', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('grouped day buckets sum to truth() over the range, today included', async () => {
    const start = TODAY - 20 * DAY;
    const end = TODAY + DAY;
    const { buckets } = await getAll(simulator, '/organization/usage/completions', {
      start_time: start,
      end_time: end,
      limit: 31,
      group_by: [...COMPLETIONS_DIMENSIONS],
    });
    expect(buckets).toHaveLength(21);
    expect(sumResults(buckets, COMPLETIONS_COUNTERS)).toEqual(simulator.truth({ endpoint: 'completions', start, end }));
    // Today is partial: it has usage, but less than a full weekday.
    const today = sumResults([buckets[20]!], ['num_model_requests']).num_model_requests!;
    const yesterday = sumResults([buckets[19]!], ['num_model_requests']).num_model_requests!;
    expect(today).toBeGreaterThan(0);
    expect(today).toBeLessThan(yesterday);
  });

  it('sums every endpoint to its truth', async () => {
    const counters: Record<string, string[]> = {
      embeddings: ['input_tokens', 'num_model_requests'],
      moderations: ['input_tokens', 'num_model_requests'],
      images: ['images', 'num_model_requests'],
      audio_speeches: ['characters', 'num_model_requests'],
      audio_transcriptions: ['seconds', 'num_model_requests'],
    };
    const start = TODAY - 10 * DAY;
    for (const [endpoint, names] of Object.entries(counters)) {
      const { buckets } = await getAll(simulator, `/organization/usage/${endpoint}`, { start_time: start, end_time: TODAY, limit: 10, group_by: ['model', 'user_id'] });
      const truth = simulator.truth({ endpoint: endpoint as SimEvent['endpoint'], start, end: TODAY });
      expect(Object.keys(truth).sort()).toEqual([...names].sort());
      expect(truth.num_model_requests).toBeGreaterThan(0);
      expect(sumResults(buckets, names), endpoint).toEqual(truth);
    }
  });

  it('one-minute buckets over a window sum to the same as a day bucket restricted to that window', async () => {
    const day = TODAY - 2 * DAY;
    const windowStart = day + 9 * 3600 + 17 * 60;
    const windowEnd = windowStart + 1440 * 60 - 3 * 3600;
    const minutes = await getAll(simulator, '/organization/usage/completions', {
      start_time: windowStart,
      end_time: windowEnd,
      bucket_width: '1m',
      limit: 1440,
      group_by: ['model'],
    });
    expect(minutes.buckets[1]!.start_time - minutes.buckets[0]!.start_time).toBe(60);
    const restricted = await get(simulator, '/organization/usage/completions', { start_time: windowStart, end_time: windowEnd, group_by: ['model'] });
    expect(restricted.body.data).toHaveLength(1);
    // Sparse traffic: most minutes are empty, a few are not.
    const busy = minutes.buckets.filter((bucket) => bucket.results.length > 0).length;
    expect(busy).toBeGreaterThan(10);
    expect(busy).toBeLessThan(minutes.buckets.length / 2);
    expect(sumResults(minutes.buckets, COMPLETIONS_COUNTERS)).toEqual(sumResults(restricted.body.data, COMPLETIONS_COUNTERS));
    expect(sumResults(minutes.buckets, COMPLETIONS_COUNTERS)).toEqual(simulator.truth({ endpoint: 'completions', start: windowStart, end: windowEnd }));
  });

  it('hour buckets of a day sum to its day bucket', async () => {
    const day = TODAY - 4 * DAY;
    const hours = await get(simulator, '/organization/usage/completions', { start_time: day, end_time: day + DAY, bucket_width: '1h', limit: 24 });
    expect(hours.body.data).toHaveLength(24);
    expect(hours.body.data.every((bucket) => bucket.end_time - bucket.start_time === 3600)).toBe(true);
    const whole = await get(simulator, '/organization/usage/completions', { start_time: day, end_time: day + DAY });
    expect(sumResults(hours.body.data, COMPLETIONS_COUNTERS)).toEqual(sumResults(whole.body.data, COMPLETIONS_COUNTERS));
  });

  it('api_key_ids and project_ids restrict results to those keys and projects', async () => {
    const start = TODAY - 7 * DAY;
    const all = await get(simulator, '/organization/usage/completions', { start_time: start, end_time: TODAY, group_by: ['api_key_id', 'project_id'] });
    const keys = [...new Set(all.body.data.flatMap((bucket) => bucket.results.map((r) => r.api_key_id as string)))].sort();
    expect(keys.length).toBeGreaterThan(2);
    const chosen = keys.slice(0, 2);
    const filtered = await get(simulator, '/organization/usage/completions', { start_time: start, end_time: TODAY, group_by: ['api_key_id'], api_key_ids: chosen });
    const seen = new Set(filtered.body.data.flatMap((bucket) => bucket.results.map((r) => r.api_key_id)));
    expect([...seen].sort()).toEqual(chosen);
    const truth = simulator.truth({ endpoint: 'completions', start, end: TODAY, api_key_ids: chosen });
    expect(sumResults(filtered.body.data, COMPLETIONS_COUNTERS)).toEqual(truth);
    expect(truth.input_tokens).toBeLessThan(simulator.truth({ endpoint: 'completions', start, end: TODAY }).input_tokens!);

    const project = all.body.data[0]!.results[0]!.project_id as string;
    const byProject = await get(simulator, '/organization/usage/completions', { start_time: start, end_time: TODAY, 'project_ids[]': project });
    expect(sumResults(byProject.body.data, COMPLETIONS_COUNTERS)).toEqual(simulator.truth({ endpoint: 'completions', start, end: TODAY, project_ids: [project] }));
  });

  it('the batch filter splits completions into batch and non-batch usage', async () => {
    const query = { start_time: TODAY - 3 * DAY, end_time: TODAY, group_by: ['batch'] };
    const both = sumResults((await get(simulator, '/organization/usage/completions', query)).body.data, COMPLETIONS_COUNTERS);
    const batch = await get(simulator, '/organization/usage/completions', { ...query, batch: 'true' });
    const online = await get(simulator, '/organization/usage/completions', { ...query, batch: 'false' });
    expect(batch.body.data.flatMap((b) => b.results).every((r) => r.batch === true)).toBe(true);
    expect(online.body.data.flatMap((b) => b.results).every((r) => r.batch === false)).toBe(true);
    const batchSums = sumResults(batch.body.data, COMPLETIONS_COUNTERS);
    const onlineSums = sumResults(online.body.data, COMPLETIONS_COUNTERS);
    for (const counter of COMPLETIONS_COUNTERS) expect(batchSums[counter]! + onlineSums[counter]!).toBe(both[counter]);
  });

  it('added events are visible at once and land in the right minute', async () => {
    const empty = await startSimulator({ now: () => NOW, org: 'empty' });
    try {
      const at = TODAY - DAY + 3600 + 5 * 60 + 30;
      empty.addEvents([
        { timestamp: at, endpoint: 'completions', project_id: 'proj_a', api_key_id: 'key_a', user_id: 'user-a', model: 'o3-mini', input_tokens: 1000, output_tokens: 200, num_model_requests: 3 },
        { timestamp: at + 10, endpoint: 'completions', project_id: 'proj_a', api_key_id: 'key_b', user_id: 'user-a', model: 'o3-mini', batch: true, input_tokens: 50, output_tokens: 5, num_model_requests: 1 },
      ]);
      const minute = await get(empty, '/organization/usage/completions', {
        start_time: at - 30,
        end_time: at + 90,
        bucket_width: '1m',
        group_by: ['api_key_id', 'batch', 'service_tier'],
      });
      expect(minute.body.data.map((bucket) => bucket.results.length)).toEqual([2, 0]);
      expect(minute.body.data[0]!.results).toEqual([
        expect.objectContaining({ api_key_id: 'key_a', batch: false, service_tier: 'default', input_tokens: 1000, input_cached_tokens: 0, project_id: null }),
        expect.objectContaining({ api_key_id: 'key_b', batch: true, input_tokens: 50, num_model_requests: 1 }),
      ]);
      expect(empty.truth({ endpoint: 'completions', start: TODAY - DAY, end: TODAY })).toEqual({
        input_tokens: 1050,
        output_tokens: 205,
        input_cached_tokens: 0,
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        num_model_requests: 4,
      });
    } finally {
      await empty.close();
    }
  });
});
