// The simulated organization itself: deterministic per seed, restatable to an exact
// drift, bounded by the clock, and large enough (and fast enough) for a benchmark.

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { COMPLETIONS_DIMENSIONS, DAY, get, NOW, TODAY } from './helpers.js';

const running: Simulator[] = [];

async function simulatorWith(options: SimulatorOptions): Promise<Simulator> {
  const simulator = await startSimulator(options);
  running.push(simulator);
  return simulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

const ALL_DIMENSIONS: Record<string, readonly string[]> = {
  completions: COMPLETIONS_DIMENSIONS,
  embeddings: ['project_id', 'user_id', 'api_key_id', 'model'],
  moderations: ['project_id', 'user_id', 'api_key_id', 'model'],
  images: ['project_id', 'user_id', 'api_key_id', 'model', 'source', 'size'],
  audio_speeches: ['project_id', 'user_id', 'api_key_id', 'model'],
  audio_transcriptions: ['project_id', 'user_id', 'api_key_id', 'model'],
  vector_stores: ['project_id'],
  code_interpreter_sessions: ['project_id'],
  web_search_calls: ['project_id', 'user_id', 'api_key_id', 'model', 'context_level'],
  file_search_calls: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
};

async function bodies(simulator: Simulator): Promise<string[]> {
  const texts: string[] = [];
  const range = { start_time: TODAY - 9 * DAY, end_time: TODAY + DAY, limit: 10 };
  for (const [endpoint, dimensions] of Object.entries(ALL_DIMENSIONS)) {
    texts.push((await get(simulator, `/organization/usage/${endpoint}`, { ...range, group_by: [...dimensions] })).text);
  }
  texts.push((await get(simulator, '/organization/costs', { ...range, group_by: ['project_id', 'line_item', 'api_key_id'] })).text);
  return texts;
}

describe('the simulated organization', () => {
  it('gives the same bytes for the same seed and different data for another seed', async () => {
    const one = await simulatorWith({ now: () => NOW, seed: 7 });
    const same = await simulatorWith({ now: () => NOW, seed: 7 });
    const other = await simulatorWith({ now: () => NOW, seed: 8 });
    // Visit days in a different order first: lazy generation must not depend on it.
    await get(same, '/organization/usage/completions', { start_time: TODAY - 2 * DAY });
    const [a, b, c] = await Promise.all([bodies(one), bodies(same), bodies(other)]);
    expect(b).toEqual(a);
    expect(c[0]).not.toEqual(a[0]);
  });

  it('restateDay adds exactly round(percent%) of the day\'s tokens, deterministically', async () => {
    const simulator = await simulatorWith({ now: () => NOW });
    const day = TODAY - 5 * DAY;
    const tokens = () => {
      const truth = simulator.truth({ endpoint: 'completions', start: day, end: day + DAY });
      return truth.input_tokens! + truth.output_tokens!;
    };
    const before = tokens();
    const requestsBefore = simulator.truth({ endpoint: 'completions', start: day, end: day + DAY }).num_model_requests;
    simulator.restateDay('2025-03-07', 2.5);
    expect(tokens() - before).toBe(Math.round(before * 0.025));
    expect(simulator.truth({ endpoint: 'completions', start: day, end: day + DAY }).num_model_requests).toBe(requestsBefore);
    const neighbour = simulator.truth({ endpoint: 'completions', start: day + DAY, end: day + 2 * DAY });
    const twin = await simulatorWith({ now: () => NOW });
    expect(twin.truth({ endpoint: 'completions', start: day + DAY, end: day + 2 * DAY })).toEqual(neighbour);
    expect(() => simulator.restateDay('2025-02-30', 3)).toThrow();
  });

  it('has no usage after its clock, and the clock can move', async () => {
    let now = new Date(NOW);
    const simulator = await simulatorWith({ now: () => now });
    const today = () => simulator.truth({ endpoint: 'completions', start: TODAY, end: TODAY + DAY }).num_model_requests!;
    const afternoon = today();
    expect(simulator.truth({ endpoint: 'completions', start: TODAY + DAY, end: TODAY + 9 * DAY }).num_model_requests).toBe(0);
    now = new Date((TODAY + DAY - 1) * 1000);
    expect(today()).toBeGreaterThan(afternoon);
    now = new Date(TODAY * 1000);
    expect(today()).toBe(0);
  });

  it('rejects unknown options', async () => {
    await expect(startSimulator({ scenarios: ['chaos' as never] })).rejects.toThrow(/chaos/);
    await expect(startSimulator({ org: 'huge' as never })).rejects.toThrow(/huge/);
    await expect(startSimulator({ maxResultsPerPage: 0 })).rejects.toThrow(/maxResultsPerPage/);
  });

  it('refuses events that are not counts of a known endpoint, and downward restatements', async () => {
    const simulator = await simulatorWith({ now: () => NOW, org: 'empty' });
    const base = { timestamp: TODAY - DAY, project_id: 'proj_a', api_key_id: 'key_a', user_id: 'user-a', model: 'o3-mini' };
    expect(() => simulator.addEvents([{ ...base, endpoint: 'completions', input_tokens: 1.5 }])).toThrow(/input_tokens/);
    expect(() => simulator.addEvents([{ ...base, endpoint: 'completions', output_tokens: -1 }])).toThrow(/output_tokens/);
    expect(() => simulator.addEvents([{ ...base, endpoint: 'fine_tuning' as never }])).toThrow(/fine_tuning/);
    expect(() => simulator.addEvents([{ ...base, endpoint: 'web_search_calls', context_level: 'huge', num_requests: 1 }])).toThrow(/context_level/);
    expect(() => simulator.restateDay('2025-03-10', -3)).toThrow(/percent/);
    expect(simulator.truth({ endpoint: 'completions', start: TODAY - DAY, end: TODAY }).input_tokens).toBe(0);
  });

  // Quick is bounded by the test's own timeout, not by a clock read in the test.
  it('sums a year of the large org quickly', { timeout: 5_000 }, async () => {
    const simulator = await simulatorWith({ now: () => NOW, org: 'large' });
    const year = simulator.truth({ endpoint: 'completions', start: TODAY - 365 * DAY, end: TODAY });
    const cost = simulator.truthCost({ start: TODAY - 365 * DAY, end: TODAY });
    expect(year.num_model_requests).toBeGreaterThan(0);
    expect(Number(cost)).toBeGreaterThan(0);
  });

  it('the large org has about 3000 grouped records a day over all endpoints', async () => {
    const simulator = await simulatorWith({ now: () => NOW, org: 'large' });
    for (const day of [TODAY - DAY, TODAY - 4 * DAY /* a Saturday */]) {
      let records = 0;
      for (const [endpoint, dimensions] of Object.entries(ALL_DIMENSIONS)) {
        const answer = await get(simulator, `/organization/usage/${endpoint}`, { start_time: day, end_time: day + DAY, group_by: [...dimensions] });
        expect(answer.body.has_more).toBe(false);
        records += answer.body.data[0]!.results.length;
      }
      expect(records).toBeGreaterThan(2000);
      expect(records).toBeLessThan(5000);
    }
  });
});
