import { afterEach, describe, expect, it } from 'vitest';
import type { DayFailed } from '../../../src/domain/usage-source.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { ProviderRequestError, ScopeMissingError } from '../../../src/adapters/http/provider-errors.js';
import { createOpenAiSource } from '../../../src/adapters/openai/source.js';
import { createFakeClock } from '../support/fake-clock.js';
import { bucket, bucketsForQuery, completions, midnight, page, type FakeHandler } from '../support/fake-openai-server.js';
import { closeOpenAiHarnesses, everyDay, KEY, openAiHarness } from '../support/openai-harness.js';
import type { BuiltDayOk } from '../support/openai-harness.js';

afterEach(closeOpenAiHarnesses);

describe('openai source: failures', () => {
  it('reports a malformed page as SCHEMA_MISMATCH naming the endpoint and the field', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
      const broken = { object: 'organization.usage.completions.result', output_tokens: 1, num_model_requests: 1 };
      return { body: page([bucket('2026-11-01', [completions(), broken])]) };
    };
    const { collect } = await openAiHarness(handler);
    const [day] = (await collect(['2026-11-01'])).flat() as DayFailed[];
    expect(day).toMatchObject({ status: 'missing', code: 'SCHEMA_MISMATCH', endpoint: 'completions' });
    expect(day!.message).toContain('completions');
    expect(day!.message).toContain('data.0.results.1.input_tokens');
  });

  it('marks only the day without a bucket as MISSING_WINDOW', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/costs')) return { body: page(bucketsForQuery(query)) };
      return { body: page([bucket('2026-11-01', [completions()]), bucket('2026-11-03', [])]) };
    };
    const { collect } = await openAiHarness(handler);
    const days = (await collect(['2026-11-01', '2026-11-02', '2026-11-03'])).flat();
    expect(days.map((day) => day.status)).toEqual(['ok', 'missing', 'ok']);
    expect(days[1]).toMatchObject({ code: 'MISSING_WINDOW', endpoint: 'completions' });
  });

  it('treats empty results as zero usage: ok, no records, the bucket kept raw', async () => {
    const { collect } = await openAiHarness(everyDay());
    const [day] = (await collect(['2026-11-01'])).flat() as BuiltDayOk[];
    expect(day!.status).toBe('ok');
    expect(day!.origin).toBe('provider');
    expect(day!.records).toEqual([]);
    expect(day!.raw.map((entry) => [entry.endpoint, entry.buckets.length])).toEqual([
      ['completions', 1],
      ['costs', 1],
    ]);
  });

  it('reports an exhausted 429 as RATE_LIMITED for that endpoint\'s days only', async () => {
    const handler: FakeHandler = ({ path, query }) => {
      if (path.endsWith('/completions')) return { status: 429, body: { error: { message: 'rate limited' } } };
      return { body: page(bucketsForQuery(query)) };
    };
    const { collect, http } = await openAiHarness(handler, { endpoints: ['completions', 'embeddings', 'costs'] });
    const days = (await collect(['2026-11-01', '2026-11-02'])).flat();
    expect(days.map((day) => day.status === 'ok' ? day.status : [day.status, day.code, day.endpoint])).toEqual([
      ['missing', 'RATE_LIMITED', 'completions'],
      ['missing', 'RATE_LIMITED', 'completions'],
    ]);
    expect(http.stats.byLabel['openai completions']).toBe(2);
    expect(http.stats.byLabel['openai embeddings']).toBe(1);
  });

  it('stops with ScopeMissingError on 403 and yields nothing more', async () => {
    const handler: FakeHandler = () => ({
      status: 403,
      body: { error: { message: `You have insufficient permissions for this operation. Missing scopes: api.usage.read. Key ${KEY}` } },
    });
    const { source, fake } = await openAiHarness(handler);
    const iterator = source.fetchDays(['2026-11-01'])[Symbol.asyncIterator]();
    const error = await iterator.next().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ScopeMissingError);
    const scope = error as ScopeMissingError;
    expect(scope.code).toBe('SCOPE_MISSING');
    expect(scope.message).toContain('admin key');
    expect(scope.message).toContain('api.usage.read');
    expect(scope.message).not.toContain(KEY);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(fake.requests).toHaveLength(1);
  });

  it('stops with ProviderRequestError on 400, carrying the provider message', async () => {
    const { collect } = await openAiHarness(() => ({ status: 400, body: { error: { message: 'Invalid group_by value' } } }));
    const error = await collect(['2026-11-01']).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).providerMessage).toBe('Invalid group_by value');
    expect((error as Error).message).toContain('Invalid group_by value');
  });

  it('refuses endpoints and dimensions OpenAI does not have', async () => {
    const { fake } = await openAiHarness(everyDay());
    const http = createHttpClient({ clock: createFakeClock(), secrets: [KEY] });
    expect(() => createOpenAiSource({ baseUrl: fake.baseUrl, adminKey: KEY, http, endpoints: ['chat'] })).toThrow(/unknown OpenAI endpoint/);
    expect(() =>
      createOpenAiSource({ baseUrl: fake.baseUrl, adminKey: KEY, http, endpoints: ['costs'], groupBy: { costs: ['model'] } }),
    ).toThrow(/cannot be grouped by model/);
    await http.close();
  });
});

describe('openai source: data', () => {
  it('keeps cost amounts exactly as received, in records and raw buckets', async () => {
    const costsBody = `{"object":"page","has_more":false,"next_page":null,"data":[{"object":"bucket","start_time":${midnight('2026-11-01')},"end_time":${midnight('2026-11-02')},"results":[
      {"object":"organization.costs.result","amount":{"value":0.30000000000000004,"currency":"USD"},"line_item":"gpt-4o, input","project_id":"proj_1","quantity":1.2e3,"quantity_unit":"tokens"},
      {"object":"organization.costs.result","amount":{"value":12,"currency":"usd"},"line_item":"gpt-4o, output","project_id":"proj_1","quantity":null,"quantity_unit":null}
    ]}]}`;
    const handler: FakeHandler = ({ path, query }) =>
      path.endsWith('/costs') ? { body: costsBody } : { body: page(bucketsForQuery(query)) };
    const { collect } = await openAiHarness(handler);
    const [day] = (await collect(['2026-11-01'])).flat() as BuiltDayOk[];
    const costs = day!.records.filter((record) => record.endpoint === 'costs');
    expect(costs.map((record) => [record.line_item, record.amount, record.currency, record.quantity, record.quantity_unit])).toEqual([
      ['gpt-4o, input', '0.30000000000000004', 'usd', '1200', 'tokens'],
      ['gpt-4o, output', '12', 'usd', null, null],
    ]);
    // The raw bucket is the provider's bytes, unchanged, literals and all.
    const raw = day!.raw.find((entry) => entry.endpoint === 'costs')!.buckets;
    const sent = costsBody.slice(costsBody.indexOf('{"object":"bucket"'), costsBody.lastIndexOf(']'));
    expect(raw.map((bucket) => Buffer.from(bucket.bytes).toString('utf8'))).toEqual([sent]);
  });

  it('builds records with every key field and the endpoint\'s counters', async () => {
    const handler = everyDay((endpoint) =>
      endpoint === 'completions' ? [completions({ model: 'gpt-4o', batch: false, service_tier: 'default', input_cached_tokens: 4 })] : [],
    );
    const { collect } = await openAiHarness(handler);
    const [day] = (await collect(['2026-11-01'])).flat() as BuiltDayOk[];
    expect(day!.records).toEqual([
      expect.objectContaining({
        provider: 'openai',
        endpoint: 'completions',
        window_start: '2026-11-01T00:00:00Z',
        window_end: '2026-11-02T00:00:00Z',
        project_id: null,
        api_key_id: null,
        user_id: null,
        model: 'gpt-4o',
        batch: false,
        service_tier: 'default',
        line_item: null,
        source: null,
        size: null,
        input_tokens: 10,
        output_tokens: 5,
        input_cached_tokens: 4,
        input_cache_write_tokens: 0,
        num_model_requests: 1,
      }),
    ]);
  });

  it('marks days served by the simulator, and never logs the key', async () => {
    const handler: FakeHandler = ({ query }) => ({
      headers: { 'x-usage-ledger-origin': 'simulator' },
      body: page(bucketsForQuery(query)),
    });
    const { collect, logger } = await openAiHarness(handler);
    const [day] = (await collect(['2026-11-01'])).flat() as BuiltDayOk[];
    expect(day!.origin).toBe('simulator');
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(KEY);
  });
});
