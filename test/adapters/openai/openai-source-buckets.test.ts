// Nothing invented: a bucket seen twice, or one that is not a whole UTC day asked for,
// makes its day partial instead of being added to it.

import { afterEach, describe, expect, it } from 'vitest';
import type { DayFailed } from '../../../src/domain/usage-source.js';
import { bucket, bucketsForQuery, completions, midnight, page, type FakeBucket, type FakeHandler } from '../support/fake-openai-server.js';
import { closeOpenAiHarnesses, openAiHarness, type BuiltDay, type BuiltDayOk } from '../support/openai-harness.js';

afterEach(closeOpenAiHarnesses);

const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03'];

/** Completions answered page by page (`page` = p2, p3, ...); costs with an empty bucket a day. */
function pagedCompletions(pages: FakeBucket[][]): FakeHandler {
  return ({ path, query }) => {
    if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
    const index = query.has('page') ? Number(query.get('page')!.slice(1)) - 1 : 0;
    return { body: page(pages[index] ?? [], index + 1 < pages.length ? `p${index + 2}` : null) };
  };
}

function dayOf(date: string, model: string, tokens = 10): FakeBucket {
  return bucket(date, [completions({ model, input_tokens: tokens })]);
}

function inputTokens(day: BuiltDay | undefined): number {
  return (day as BuiltDayOk).records.reduce((sum, record) => sum + Number(record.input_tokens), 0);
}

function failed(days: readonly BuiltDay[]) {
  return days.filter((day): day is DayFailed => day.status !== 'ok').map((day) => [day.date, day.status, day.code, day.endpoint, day.message]);
}

async function fetchThreeDays(pages: FakeBucket[][]): Promise<BuiltDay[]> {
  const { collect } = await openAiHarness(pagedCompletions(pages));
  return (await collect(DAYS)).flat();
}

describe('openai source: buckets seen twice', () => {
  it('makes a day partial when one page lists its bucket twice, and keeps the other days', async () => {
    const days = await fetchThreeDays([[dayOf('2026-11-01', 'a'), dayOf('2026-11-02', 'a', 7), dayOf('2026-11-02', 'a', 7), dayOf('2026-11-03', 'a')]]);
    expect(failed(days)).toEqual([
      ['2026-11-02', 'partial', 'SCHEMA_MISMATCH', 'completions', 'openai completions: the bucket for 2026-11-02 arrived twice on page 1'],
    ]);
    expect([inputTokens(days[0]), inputTokens(days[2])]).toEqual([10, 10]);
  });

  it('makes a day partial when the next page repeats the last bucket of the page before', async () => {
    const days = await fetchThreeDays([
      [dayOf('2026-11-01', 'a'), dayOf('2026-11-02', 'a')],
      [dayOf('2026-11-02', 'a'), dayOf('2026-11-03', 'a')],
    ]);
    expect(failed(days)).toEqual([
      ['2026-11-02', 'partial', 'SCHEMA_MISMATCH', 'completions', 'openai completions: the bucket for 2026-11-02 arrived twice (pages 1 and 2)'],
    ]);
    expect([inputTokens(days[0]), inputTokens(days[2])]).toEqual([10, 10]);
  });

  it('makes a day partial when a continuation brings a result the day already had', async () => {
    const twoModels = bucket('2026-11-02', [completions({ model: 'a' }), completions({ model: 'b' })]);
    const days = await fetchThreeDays([
      [dayOf('2026-11-01', 'a'), twoModels],
      [bucket('2026-11-02', [completions({ model: 'b' }), completions({ model: 'c' })]), dayOf('2026-11-03', 'a')],
    ]);
    expect(failed(days).map(([date, status, code]) => [date, status, code])).toEqual([['2026-11-02', 'partial', 'SCHEMA_MISMATCH']]);
  });

  it('makes a day partial when it comes back on a later page that does not continue it', async () => {
    const days = await fetchThreeDays([[dayOf('2026-11-01', 'a'), dayOf('2026-11-02', 'a')], [dayOf('2026-11-03', 'a')], [dayOf('2026-11-01', 'b')]]);
    expect(failed(days).map(([date, , , , message]) => [date, message])).toEqual([
      ['2026-11-01', 'openai completions: the bucket for 2026-11-01 arrived twice (pages 1 and 3)'],
    ]);
  });

  it('still joins a day whose results continue on the next page with new ones', async () => {
    const days = await fetchThreeDays([
      [dayOf('2026-11-01', 'a'), dayOf('2026-11-02', 'a')],
      [dayOf('2026-11-02', 'b', 3)],
      [dayOf('2026-11-02', 'c', 4), dayOf('2026-11-03', 'a')],
    ]);
    expect(failed(days)).toEqual([]);
    expect(days.map(inputTokens)).toEqual([10, 17, 10]);
    expect((days[1] as BuiltDayOk).raw.find((entry) => entry.endpoint === 'completions')).toMatchObject({ pages: 3 });
  });
});

describe('openai source: buckets outside the days asked for', () => {
  it('makes every day of the query partial for a bucket before the range, since none can be trusted', async () => {
    const days = await fetchThreeDays([[dayOf('2026-10-31', 'a'), dayOf('2026-11-01', 'a'), dayOf('2026-11-02', 'a'), dayOf('2026-11-03', 'a')]]);
    const message =
      'openai completions: a bucket from 2026-10-31T00:00:00Z to 2026-11-01T00:00:00Z lies outside the range asked for (2026-11-01T00:00:00Z to 2026-11-04T00:00:00Z)';
    expect(failed(days)).toEqual(DAYS.map((date) => [date, 'partial', 'SCHEMA_MISMATCH', 'completions', message]));
  });

  it('makes partial only the days a window that is not a whole UTC day overlaps', async () => {
    const shifted = { object: 'bucket', start_time: midnight('2026-11-01') + 43_200, end_time: midnight('2026-11-02') + 43_200, results: [completions()] };
    const days = await fetchThreeDays([[dayOf('2026-11-01', 'a'), shifted, dayOf('2026-11-02', 'a'), dayOf('2026-11-03', 'a')]]);
    expect(failed(days).map(([date, status, code, , message]) => [date, status, code, message])).toEqual([
      ['2026-11-01', 'partial', 'SCHEMA_MISMATCH', 'openai completions: a bucket from 2026-11-01T12:00:00Z to 2026-11-02T12:00:00Z is not the whole UTC day 2026-11-01'],
      ['2026-11-02', 'partial', 'SCHEMA_MISMATCH', 'openai completions: a bucket from 2026-11-01T12:00:00Z to 2026-11-02T12:00:00Z is not the whole UTC day 2026-11-02'],
    ]);
    expect(inputTokens(days[2])).toBe(10);
  });

  it('makes a day partial when its bucket starts at its midnight but does not end at the next', async () => {
    const hour = { object: 'bucket', start_time: midnight('2026-11-02'), end_time: midnight('2026-11-02') + 3600, results: [completions()] };
    const days = await fetchThreeDays([[dayOf('2026-11-01', 'a'), hour, dayOf('2026-11-03', 'a')]]);
    expect(failed(days).map(([date, status, code]) => [date, status, code])).toEqual([['2026-11-02', 'partial', 'SCHEMA_MISMATCH']]);
  });
});
