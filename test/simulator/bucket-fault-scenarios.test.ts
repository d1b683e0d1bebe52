// The scenarios whose pages would invent data if a client summed what it was sent: a
// bucket listed twice, a page repeating the last bucket of the one before, and a bucket
// from before the range asked for.

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type ScenarioName, type Simulator } from '../../src/simulator/index.js';
import { COMPLETIONS_DIMENSIONS, DAY, get, getAll, NOW, TODAY, type Bucket, type Query } from './helpers.js';

const WEEK: Query = { start_time: TODAY - 6 * DAY, end_time: TODAY + DAY, group_by: [...COMPLETIONS_DIMENSIONS] };
const UNGROUPED_WEEK: Query = { start_time: TODAY - 6 * DAY, end_time: TODAY + DAY };
const COMPLETIONS = '/organization/usage/completions';
const EMBEDDINGS = '/organization/usage/embeddings';
const REPEATED_DAY = TODAY - 3 * DAY;

const running: Simulator[] = [];

async function simulatorWith(...scenarios: ScenarioName[]): Promise<Simulator> {
  const simulator = await startSimulator({ now: () => NOW, scenarios });
  running.push(simulator);
  return simulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

const starts = (buckets: readonly Bucket[]) => buckets.map((bucket) => bucket.start_time);
const week = (offset = 0) => Array.from({ length: 7 }, (_, index) => TODAY - (6 - index) * DAY + offset);

describe('bucket fault scenarios', () => {
  it('duplicate-bucket: a completions page lists the bucket of day -3 twice, results and all', async () => {
    const simulator = await simulatorWith('duplicate-bucket');
    const steady = (await get(await simulatorWith(), COMPLETIONS, WEEK)).body;
    const { body } = await get(simulator, COMPLETIONS, WEEK);
    expect(starts(body.data)).toEqual([...week().slice(0, 4), REPEATED_DAY, ...week().slice(4)]);
    expect(body.data[3]).toEqual(body.data[4]);
    expect(body.data[3]).toEqual(steady.data[3]);
    expect(body.data[3]!.results.length).toBeGreaterThan(0);
    expect(starts((await get(simulator, EMBEDDINGS, UNGROUPED_WEEK)).body.data)).toEqual(week());
  });

  it('overlapping-pages: a completions page ends at day -3, and the next page starts with that bucket again', async () => {
    const simulator = await simulatorWith('overlapping-pages');
    const { pages } = await getAll(simulator, COMPLETIONS, WEEK);
    expect(pages.map((page) => starts(page.data))).toEqual([week().slice(0, 4), week().slice(3)]);
    expect(pages[1]!.data[0]).toEqual(pages[0]!.data[3]);
    expect(pages[0]!.data[3]!.results.length).toBeGreaterThan(0);
    expect(pages[0]!.next_page).not.toBe(pages[1]!.next_page);
    expect((await get(simulator, EMBEDDINGS, UNGROUPED_WEEK)).body.has_more).toBe(false);
  });

  it('out-of-range-bucket: the first completions page begins with the day before start_time, as it really was', async () => {
    const simulator = await simulatorWith('out-of-range-bucket');
    const { body } = await get(simulator, COMPLETIONS, WEEK);
    const before = TODAY - 7 * DAY;
    expect(starts(body.data)).toEqual([before, ...week()]);
    expect(body.data[0]!.end_time).toBe(TODAY - 6 * DAY);
    const truth = (await get(simulator, COMPLETIONS, { ...WEEK, start_time: before, end_time: before + DAY })).body.data;
    // That request is itself a first page, so it too is led by the day before its start.
    expect(body.data[0]).toEqual(truth[1]);
    expect(body.data[0]!.results.length).toBeGreaterThan(0);
    expect(starts((await get(simulator, EMBEDDINGS, UNGROUPED_WEEK)).body.data)).toEqual(week());
  });
});
