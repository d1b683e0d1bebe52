import { describe, expect, it } from 'vitest';
import { apportion, attributeUsage, findOverlappingRuns, type MinuteUsage, queryRange, type RunWindow } from '../../src/domain/attribution.js';

function bucket(start: number, input_tokens: number, output_tokens: number): MinuteUsage {
  return { start, end: start + 60, input_tokens, output_tokens };
}

function run(id: string, ...intervals: Array<[number, number]>): RunWindow {
  return { id, steps: intervals.map(([start, end], index) => ({ step_number: index + 1, start, end })) };
}

describe('attributeUsage', () => {
  it('gives every minute touching a single step wholly to it, even the parts outside the step', () => {
    const step = run('chatdev/run-42', [1760015386, 1760015878]);
    // Minutes 1760015340 .. 1760015820 touch the step; the first starts 46 s before it and
    // the last runs 2 s past its end. The minutes either side touch nothing.
    const buckets = Array.from({ length: 11 }, (_, index) => bucket(1760015280 + index * 60, 1000 + index * 10, 100 + index));
    const result = attributeUsage([step], buckets);

    const touching = buckets.slice(1, 10);
    const expectedIn = touching.reduce((sum, entry) => sum + entry.input_tokens, 0);
    const expectedOut = touching.reduce((sum, entry) => sum + entry.output_tokens, 0);
    expect(expectedIn).toBe(9 * 1000 + 10 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9));
    expect(result.runs.get('chatdev/run-42')).toEqual({
      id: 'chatdev/run-42',
      steps: [{ step_number: 1, tokens_in: expectedIn, tokens_out: expectedOut, method: 'exact' }],
      tokens_in: expectedIn,
      tokens_out: expectedOut,
    });
    expect(result.unattributed).toEqual({ tokens_in: 1000 + 1100, tokens_out: 100 + 110 });
  });

  it('splits a minute shared by consecutive steps by overlap seconds, largest remainder first', () => {
    // Minute [60,120): step 1 has 20 s, step 2 has 40 s.
    // Input 100: quotas 33.33 and 66.67 -> the spare token goes to step 2 -> 33 / 67.
    // Output 5: quotas 1.67 and 3.33 -> the spare token goes to step 1 -> 2 / 3.
    const record = run('camel/run-7', [0, 80], [80, 200]);
    const result = attributeUsage([record], [bucket(0, 10, 1), bucket(60, 100, 5), bucket(120, 30, 3)]);
    const figure = result.runs.get('camel/run-7')!;
    expect(figure.steps).toEqual([
      { step_number: 1, tokens_in: 10 + 33, tokens_out: 1 + 2, method: 'apportioned' },
      { step_number: 2, tokens_in: 67 + 30, tokens_out: 3 + 3, method: 'apportioned' },
    ]);
    expect(figure.tokens_in).toBe(140);
    expect(figure.tokens_out).toBe(9);
    expect(result.unattributed).toEqual({ tokens_in: 0, tokens_out: 0 });
  });

  it('splits one minute three ways and keeps exact a step whose shared minutes were empty', () => {
    // Minute [0,60): 20 s, 30 s, 10 s of 7 tokens -> quotas 2.33, 3.5, 1.17 -> 2, 4, 1.
    const record = run('metagpt/run-1', [0, 20], [20, 50], [50, 200]);
    const later = run('metagpt/run-2', [200, 230]);
    const result = attributeUsage([record, later], [bucket(0, 7, 0), bucket(60, 4, 4), bucket(180, 0, 0)]);
    expect(result.runs.get('metagpt/run-1')!.steps).toEqual([
      { step_number: 1, tokens_in: 2, tokens_out: 0, method: 'apportioned' },
      { step_number: 2, tokens_in: 4, tokens_out: 0, method: 'apportioned' },
      { step_number: 3, tokens_in: 1 + 4, tokens_out: 4, method: 'apportioned' },
    ]);
    // Minute [180,240) is shared with step 3 but held no tokens, so nothing was estimated.
    expect(result.runs.get('metagpt/run-2')!.steps).toEqual([{ step_number: 1, tokens_in: 0, tokens_out: 0, method: 'exact' }]);
  });

  it('shares a minute between back-to-back runs the same way whatever order the runs come in', () => {
    // Minute [60,120): 30 s each, a tie, broken by the step that starts first, not by id or input order.
    const early = run('zeta/run-1', [0, 90]);
    const late = run('alpha/run-2', [90, 200]);
    const buckets = [bucket(0, 50, 5), bucket(60, 11, 3), bucket(120, 20, 2)];
    const forward = attributeUsage([early, late], buckets);
    const backward = attributeUsage([late, early], [...buckets].reverse());

    expect(forward.runs.get('zeta/run-1')).toEqual({ id: 'zeta/run-1', steps: [{ step_number: 1, tokens_in: 56, tokens_out: 7, method: 'apportioned' }], tokens_in: 56, tokens_out: 7 });
    expect(forward.runs.get('alpha/run-2')).toEqual({ id: 'alpha/run-2', steps: [{ step_number: 1, tokens_in: 25, tokens_out: 3, method: 'apportioned' }], tokens_in: 25, tokens_out: 3 });
    for (const id of ['zeta/run-1', 'alpha/run-2']) expect(backward.runs.get(id)).toEqual(forward.runs.get(id));
    expect([...forward.runs.keys()]).toEqual(['zeta/run-1', 'alpha/run-2']);
    expect([...backward.runs.keys()]).toEqual(['alpha/run-2', 'zeta/run-1']);
  });

  it('breaks a tie between identical steps of different runs by run id, not by input order', () => {
    // Two runs in the same seconds: 15 s each of 5 tokens -> 2.5 each -> the spare goes to a/1.
    const first = run('a/1', [0, 30]);
    const second = run('b/2', [0, 30]);
    for (const order of [[first, second], [second, first]]) {
      const result = attributeUsage(order, [bucket(0, 5, 1)]);
      expect(result.runs.get('a/1')).toMatchObject({ tokens_in: 3, tokens_out: 1 });
      expect(result.runs.get('b/2')).toMatchObject({ tokens_in: 2, tokens_out: 0 });
    }
  });

  it('treats steps as half-open: a step ending at 120 does not touch the minute starting at 120', () => {
    const record = run('chatdev/run-3', [60, 120], [120, 170]);
    const result = attributeUsage([record], [bucket(60, 40, 4), bucket(120, 70, 7)]);
    expect(result.runs.get('chatdev/run-3')!.steps).toEqual([
      { step_number: 1, tokens_in: 40, tokens_out: 4, method: 'exact' },
      { step_number: 2, tokens_in: 70, tokens_out: 7, method: 'exact' },
    ]);
  });

  it('leaves traffic outside every step, and in gaps between steps, unattributed', () => {
    const record = run('chatdev/run-4', [200, 230], [400, 430]);
    const result = attributeUsage([record], [bucket(0, 5, 1), bucket(180, 10, 2), bucket(240, 20, 3), bucket(300, 40, 4), bucket(360, 80, 5), bucket(600, 160, 6)]);
    expect(result.runs.get('chatdev/run-4')).toMatchObject({ tokens_in: 10 + 80, tokens_out: 2 + 5 });
    expect(result.unattributed).toEqual({ tokens_in: 5 + 20 + 40 + 160, tokens_out: 1 + 3 + 4 + 6 });
  });

  it('reports a step with no usage as zero and exact', () => {
    const result = attributeUsage([run('chatdev/run-5', [0, 30])], []);
    expect(result.runs.get('chatdev/run-5')).toEqual({ id: 'chatdev/run-5', steps: [{ step_number: 1, tokens_in: 0, tokens_out: 0, method: 'exact' }], tokens_in: 0, tokens_out: 0 });
    expect(result.unattributed).toEqual({ tokens_in: 0, tokens_out: 0 });
  });

  it('throws on steps that do not move forward in time, repeated run ids and malformed buckets', () => {
    expect(() => attributeUsage([run('chatdev/run-6', [100, 100])], [])).toThrow(/chatdev\/run-6.*step 1 ends at 100/);
    expect(() => attributeUsage([run('chatdev/run-6', [0, 10], [200, 150])], [])).toThrow(/step 2 ends at 150, not after its start 200/);
    expect(() => attributeUsage([run('chatdev/run-6', [0, 10.5])], [])).toThrow(/non-integer/);
    expect(() => attributeUsage([run('a/1', [0, 10]), run('a/1', [20, 30])], [])).toThrow(/more than once/);
    expect(() => attributeUsage([], [{ start: 60, end: 60, input_tokens: 1, output_tokens: 0 }])).toThrow(/bucket \[60, 60\)/);
    expect(() => attributeUsage([], [bucket(0, -1, 0)])).toThrow(/non-negative integers/);
  });
});

describe('apportion', () => {
  it('gives spare units to the largest remainders, ties to the lowest index', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(2, [1, 1, 1, 1])).toEqual([1, 1, 0, 0]);
    expect(apportion(100, [20, 40])).toEqual([33, 67]);
    expect(apportion(5, [20, 40])).toEqual([2, 3]);
    expect(apportion(5, [0, 1, 1])).toEqual([0, 3, 2]);
  });

  it('returns zeros for all-zero weights and nothing for no weights', () => {
    expect(apportion(9, [0, 0, 0])).toEqual([0, 0, 0]);
    expect(apportion(9, [])).toEqual([]);
    expect(apportion(0, [3, 1])).toEqual([0, 0]);
  });

  it('stays exact when total times weight passes 2^53', () => {
    const total = Number.MAX_SAFE_INTEGER;
    const parts = apportion(total, [1, 2]);
    expect(parts).toEqual([3002399751580330, 6004799503160661]);
    expect(parts[0]! + parts[1]!).toBe(total);
    const huge = 2 ** 52;
    expect(apportion(10, [huge, huge, huge])).toEqual([4, 3, 3]);
    const uneven = apportion(total, [huge, 3, huge - 1, 7]);
    expect(uneven.reduce((sum, part) => sum + part, 0)).toBe(total);
  });

  it('rejects negative or fractional inputs', () => {
    expect(() => apportion(-1, [1])).toThrow(RangeError);
    expect(() => apportion(1.5, [1])).toThrow(RangeError);
    expect(() => apportion(1, [1, -1])).toThrow(RangeError);
  });
});

describe('findOverlappingRuns', () => {
  it('finds runs whose steps overlap, once per pair, ids in order', () => {
    const runs = [run('b/2', [50, 150], [160, 170]), run('a/1', [0, 100], [140, 165]), run('c/3', [500, 600])];
    expect(findOverlappingRuns(runs)).toEqual([['a/1', 'b/2']]);
  });

  it('does not count runs that only touch, or that sit in a gap between steps', () => {
    expect(findOverlappingRuns([run('a/1', [0, 100]), run('b/2', [100, 200])])).toEqual([]);
    expect(findOverlappingRuns([run('a/1', [0, 100], [300, 400]), run('b/2', [150, 250])])).toEqual([]);
    expect(findOverlappingRuns([run('a/1', [0, 100], [50, 120])])).toEqual([]);
  });

  it('lists every overlapping pair among several runs', () => {
    const runs = [run('c/3', [90, 95]), run('a/1', [0, 100]), run('b/2', [10, 20], [99, 130]), run('d/4', [130, 140])];
    expect(findOverlappingRuns(runs)).toEqual([
      ['a/1', 'b/2'],
      ['a/1', 'c/3'],
    ]);
  });
});

describe('queryRange', () => {
  it('covers all runs, widened by the margin and aligned outward to whole minutes', () => {
    expect(queryRange([run('chatdev/run-42', [1760015386, 1760015878])], 300)).toEqual({ start: 1760015040, end: 1760016180 });
    expect(queryRange([run('a/1', [1200, 1250]), run('b/2', [500, 530], [900, 1000])], 0)).toEqual({ start: 480, end: 1260 });
    expect(queryRange([run('a/1', [120, 180])], 0)).toEqual({ start: 120, end: 180 });
  });

  it('is undefined without steps and rejects a negative margin', () => {
    expect(queryRange([], 60)).toBeUndefined();
    expect(queryRange([{ id: 'a/1', steps: [] }], 60)).toBeUndefined();
    expect(() => queryRange([run('a/1', [0, 10])], -1)).toThrow(RangeError);
  });
});
