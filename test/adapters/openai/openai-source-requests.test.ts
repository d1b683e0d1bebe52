import { afterEach, describe, expect, it } from 'vitest';
import type { DayFailed } from '../../../src/domain/usage-source.js';
import { OPENAI_ENDPOINTS } from '../../../src/adapters/openai/endpoints.js';
import { bucket, bucketsForQuery, completions, endpointOf, midnight, page, type FakeHandler } from '../support/fake-openai-server.js';
import { closeOpenAiHarnesses, daysFrom, everyDay, KEY, openAiHarness } from '../support/openai-harness.js';
import type { BuiltDayOk } from '../support/openai-harness.js';

afterEach(closeOpenAiHarnesses);

describe('openai source: requests', () => {
  it('asks for UTC midnights, a day limit, every group_by and the admin key', async () => {
    const { fake, collect } = await openAiHarness(everyDay(), { groupBy: { completions: ['model', 'project_id'] } });
    const batches = await collect(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(batches.flat().map((day) => day.status)).toEqual(['ok', 'ok', 'ok']);
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/organization/costs', '/v1/organization/usage/completions']);
    const [costs, usage] = fake.requests;
    expect(Object.fromEntries(usage!.query)).toMatchObject({
      start_time: String(midnight('2026-11-01')),
      end_time: String(midnight('2026-11-04')),
      bucket_width: '1d',
      limit: '3',
    });
    // Configured dimensions are sent in the table's order, as repeated parameters.
    expect(usage!.query.getAll('group_by')).toEqual(['project_id', 'model']);
    expect(costs!.query.getAll('group_by')).toEqual(['project_id', 'line_item', 'api_key_id']);
    expect(costs!.query.get('limit')).toBe('3');
    expect(usage!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('makes 2 requests per usage endpoint and 1 for costs over 62 days', async () => {
    const { fake, collect } = await openAiHarness(everyDay(), { endpoints: [...OPENAI_ENDPOINTS] });
    const batches = await collect(daysFrom('2026-08-01', 62));
    expect(batches.map((batch) => batch.length)).toEqual([31, 31]);
    expect(batches.flat().every((day) => day.status === 'ok')).toBe(true);
    const perEndpoint = new Map<string, string[]>();
    for (const request of fake.requests) {
      const name = endpointOf(request.path);
      perEndpoint.set(name, [...(perEndpoint.get(name) ?? []), request.query.get('limit') ?? '']);
    }
    expect(fake.requests).toHaveLength(21);
    expect(perEndpoint.get('costs')).toEqual(['62']);
    for (const name of OPENAI_ENDPOINTS.filter((endpoint) => endpoint !== 'costs')) {
      expect(perEndpoint.get(name)).toEqual(['31', '31']);
    }
    // Every usage endpoint is grouped by everything it supports by default.
    const images = fake.requests.find((request) => request.path.endsWith('/images'))!;
    expect(images.query.getAll('group_by')).toEqual(['project_id', 'user_id', 'api_key_id', 'model', 'size', 'source']);
    const webSearch = fake.requests.find((request) => request.path.endsWith('/web_search_calls'))!;
    expect(webSearch.query.getAll('group_by')).toEqual(['project_id', 'user_id', 'api_key_id', 'model', 'context_level']);
    const fileSearch = fake.requests.find((request) => request.path.endsWith('/file_search_calls'))!;
    expect(fileSearch.query.getAll('group_by')).toEqual(['project_id', 'user_id', 'api_key_id', 'vector_store_id']);
  });

  it('cuts costs at 180 days and never spans a gap between requested days', async () => {
    const { fake, collect } = await openAiHarness(everyDay());
    const dates = [...daysFrom('2026-01-01', 200), '2026-09-01', '2026-09-02'];
    const batches = await collect(dates);
    expect(batches.flat().map((day) => day.date)).toEqual(dates);
    const costs = fake.requests.filter((request) => request.path.endsWith('/costs'));
    expect(costs.map((request) => request.query.get('limit'))).toEqual(['180', '20', '2']);
    const usage = fake.requests.filter((request) => request.path.endsWith('/completions'));
    expect(usage.map((request) => request.query.get('limit'))).toEqual(['31', '31', '31', '31', '31', '25', '20', '2']);
    const last = usage[usage.length - 1]!;
    expect(last.query.get('start_time')).toBe(String(midnight('2026-09-01')));
    expect(last.query.get('end_time')).toBe(String(midnight('2026-09-03')));
  });

  it('asks for a year in ceil(365 / 31) usage windows, running them across the costs pages', async () => {
    const { fake, collect } = await openAiHarness(everyDay());
    const dates = daysFrom('2025-11-23', 365);
    const batches = await collect(dates);
    expect(batches.flat().map((day) => day.date)).toEqual(dates);
    expect(batches.flat().every((day) => day.status === 'ok')).toBe(true);
    expect(batches.map((batch) => batch.length)).toEqual([...Array<number>(11).fill(31), 24]);
    const limits = (suffix: string) => fake.requests.filter((request) => request.path.endsWith(suffix)).map((request) => request.query.get('limit'));
    expect(limits('/costs')).toEqual(['180', '180', '5']);
    expect(limits('/completions')).toEqual([...Array<string>(11).fill('31'), '24']);
    // Each costs page is asked for just before the first window that needs it.
    expect(fake.requests.map((request) => endpointOf(request.path))).toEqual([
      'costs',
      ...Array<string>(5).fill('completions'),
      'costs',
      ...Array<string>(6).fill('completions'),
      'costs',
      'completions',
    ]);
  });

  it('refuses dates that are not ascending UTC days', async () => {
    const { collect } = await openAiHarness(everyDay());
    await expect(collect(['2026-11-02', '2026-11-01'])).rejects.toThrow(/ascending/);
    await expect(collect(['2026-02-30'])).rejects.toThrow(/not a UTC date/);
  });
});

describe('openai source: pagination', () => {
  it('sends the cursor back with the same filters and merges a day split over pages', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
      if (query.get('page') === null) {
        return { body: page([bucket('2026-11-01', [completions({ model: 'a', input_tokens: 1 })])], 'cursor-2') };
      }
      return {
        body: page([
          bucket('2026-11-01', [completions({ model: 'b', input_tokens: 2 })]),
          bucket('2026-11-02', [completions({ model: 'a', input_tokens: 3 })]),
        ]),
      };
    };
    const { fake, collect } = await openAiHarness(handler);
    const [batch] = await collect(['2026-11-01', '2026-11-02']);
    const usage = fake.requests.filter((request) => request.path.endsWith('/completions'));
    expect(usage).toHaveLength(2);
    const withoutPage = (query: URLSearchParams) => [...query].filter(([name]) => name !== 'page');
    expect(withoutPage(usage[1]!.query)).toEqual(withoutPage(usage[0]!.query));
    expect(usage[1]!.query.get('page')).toBe('cursor-2');

    const first = batch![0] as BuiltDayOk;
    expect(first.status).toBe('ok');
    const firstUsage = first.records.filter((record) => record.endpoint === 'completions');
    expect(firstUsage.map((record) => [record.model, record.input_tokens])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const raw = first.raw.find((entry) => entry.endpoint === 'completions')!;
    expect(raw.pages).toBe(2);
    expect(raw.buckets).toHaveLength(2);
    expect(raw.request.path).toBe('/organization/usage/completions');
    expect(raw.request.query).not.toHaveProperty('page');
    expect((batch![1] as BuiltDayOk).raw.find((entry) => entry.endpoint === 'completions')!.pages).toBe(1);
  });

  it('marks the days partial when a cursor repeats, instead of a partial total', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
      return { body: page([bucket('2026-11-01', [completions()])], 'same-cursor') };
    };
    const { fake, collect } = await openAiHarness(handler);
    const days = (await collect(['2026-11-01', '2026-11-02'])).flat() as DayFailed[];
    expect(days.map((day) => [day.status, day.code, day.endpoint])).toEqual([
      ['partial', 'PROVIDER_ERROR', 'completions'],
      ['partial', 'PROVIDER_ERROR', 'completions'],
    ]);
    expect(days[0]!.message).toContain('repeated pagination cursor');
    expect(fake.requests.filter((request) => request.path.endsWith('/completions'))).toHaveLength(2);
  });

  it('marks the days partial when has_more comes without a cursor', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
      return { body: { object: 'page', data: bucketsForQuery(query), has_more: true, next_page: null } };
    };
    const { collect } = await openAiHarness(handler);
    const [day] = (await collect(['2026-11-01'])).flat() as DayFailed[];
    expect(day).toMatchObject({ status: 'partial', code: 'PROVIDER_ERROR', endpoint: 'completions' });
    expect(day!.message).toContain('no next_page');
  });
});
