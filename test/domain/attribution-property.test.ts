import { describe, expect, it } from 'vitest';
import { apportion, type Attribution, attributeUsage, type MinuteUsage, type RunWindow } from '../../src/domain/attribution.js';
import { seededRandom } from '../support/seeded-random.js';

function integerBetween(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

interface Scenario {
  runs: RunWindow[];
  buckets: MinuteUsage[];
}

const BASE = 1_760_000_400;

function randomScenario(random: () => number, runCount: number, stepsPerRun: [number, number], spanSeconds: number, minuteCount: number): Scenario {
  const runs: RunWindow[] = [];
  for (let index = 0; index < runCount; index++) {
    let cursor = BASE + integerBetween(random, 0, spanSeconds);
    const steps = [];
    const stepCount = integerBetween(random, stepsPerRun[0], stepsPerRun[1]);
    for (let step = 1; step <= stepCount; step++) {
      // A gap of 0 makes consecutive steps touch, the common case in real runs.
      cursor += random() < 0.5 ? 0 : integerBetween(random, 1, 90);
      const length = integerBetween(random, 1, 150);
      steps.push({ step_number: step, start: cursor, end: cursor + length });
      cursor += length;
    }
    runs.push({ id: `framework-${index % 3}/run-${index}`, steps });
  }
  const buckets: MinuteUsage[] = [];
  for (let minute = 0; minute < minuteCount; minute++) {
    // The provider leaves out empty minutes; keep some empty ones anyway to cover both.
    if (random() < 0.1) continue;
    const empty = random() < 0.1;
    const start = BASE - 600 + minute * 60;
    buckets.push({ start, end: start + 60, input_tokens: empty ? 0 : integerBetween(random, 0, 50_000), output_tokens: empty ? 0 : integerBetween(random, 0, 5_000) });
  }
  return { runs, buckets };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

function expectConservation(result: Attribution, scenario: Scenario): void {
  const bucketIn = scenario.buckets.reduce((sum, entry) => sum + entry.input_tokens, 0);
  const bucketOut = scenario.buckets.reduce((sum, entry) => sum + entry.output_tokens, 0);
  let runsIn = 0;
  let runsOut = 0;
  for (const figure of result.runs.values()) {
    expect(figure.steps.reduce((sum, step) => sum + step.tokens_in, 0)).toBe(figure.tokens_in);
    expect(figure.steps.reduce((sum, step) => sum + step.tokens_out, 0)).toBe(figure.tokens_out);
    for (const step of figure.steps) {
      expect(Number.isInteger(step.tokens_in) && step.tokens_in >= 0).toBe(true);
      expect(Number.isInteger(step.tokens_out) && step.tokens_out >= 0).toBe(true);
    }
    runsIn += figure.tokens_in;
    runsOut += figure.tokens_out;
  }
  expect(result.runs.size).toBe(scenario.runs.length);
  expect(runsIn + result.unattributed.tokens_in).toBe(bucketIn);
  expect(runsOut + result.unattributed.tokens_out).toBe(bucketOut);
}

/** Straightforward steps × buckets attribution, to check the sweep against. */
function referenceAttribution(scenario: Scenario): { steps: Map<string, { tokens_in: number; tokens_out: number; method: string }>; unattributed: { tokens_in: number; tokens_out: number } } {
  const all = scenario.runs.flatMap((run) => run.steps.map((step, position) => ({ ...step, key: `${run.id}#${position}`, runId: run.id, position })));
  all.sort((a, b) => a.start - b.start || a.end - b.end || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0) || a.position - b.position);
  const steps = new Map(all.map((step) => [step.key, { tokens_in: 0, tokens_out: 0, method: 'exact' }]));
  const unattributed = { tokens_in: 0, tokens_out: 0 };
  for (const bucket of scenario.buckets) {
    const touching = all
      .map((step) => ({ key: step.key, seconds: Math.min(step.end, bucket.end) - Math.max(step.start, bucket.start) }))
      .filter((entry) => entry.seconds > 0);
    if (touching.length === 0) {
      unattributed.tokens_in += bucket.input_tokens;
      unattributed.tokens_out += bucket.output_tokens;
      continue;
    }
    const inputShares = apportion(bucket.input_tokens, touching.map((entry) => entry.seconds));
    const outputShares = apportion(bucket.output_tokens, touching.map((entry) => entry.seconds));
    touching.forEach((entry, index) => {
      const figure = steps.get(entry.key)!;
      figure.tokens_in += inputShares[index]!;
      figure.tokens_out += outputShares[index]!;
      if (touching.length > 1 && bucket.input_tokens + bucket.output_tokens > 0) figure.method = 'apportioned';
    });
  }
  return { steps, unattributed };
}

describe('attributeUsage on seeded random runs', () => {
  for (const seed of [1, 2, 3, 42, 1234, 99991]) {
    it(`conserves every token and matches a steps × buckets reference (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const scenario = randomScenario(random, 40, [1, 8], 3600, 100);
      const result = attributeUsage(scenario.runs, scenario.buckets);
      expectConservation(result, scenario);

      const reference = referenceAttribution(scenario);
      expect(result.unattributed).toEqual(reference.unattributed);
      for (const run of scenario.runs) {
        run.steps.forEach((step, position) => {
          const expected = reference.steps.get(`${run.id}#${position}`)!;
          expect(result.runs.get(run.id)!.steps[position]).toEqual({ step_number: step.step_number, ...expected });
        });
      }

      const reordered = attributeUsage(shuffled(scenario.runs, random), shuffled(scenario.buckets, random));
      for (const run of scenario.runs) expect(reordered.runs.get(run.id)).toEqual(result.runs.get(run.id));
      expect(reordered.unattributed).toEqual(result.unattributed);
    });
  }

  it('handles 100,000 steps against three days of minutes with every token accounted for', () => {
    const random = seededRandom(7);
    const threeDays = 3 * 24 * 3600;
    const scenario = randomScenario(random, 10_000, [10, 10], threeDays - 3600, 4320);
    expect(scenario.runs.reduce((sum, entry) => sum + entry.steps.length, 0)).toBe(100_000);
    expect(scenario.buckets.length).toBeGreaterThan(3800);
    const result = attributeUsage(scenario.runs, scenario.buckets);
    expectConservation(result, scenario);
  });
});
