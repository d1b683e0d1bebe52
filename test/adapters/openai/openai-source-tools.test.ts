// The four usage endpoints beyond the model endpoints (vector store storage, code
// interpreter sessions, web and file search calls), read through the source as the
// provider answers them: their own result object names, counters and dimensions.
import { afterEach, describe, expect, it } from 'vitest';
import type { DayFailed } from '../../../src/domain/usage-source.js';
import { bucket, bucketsForQuery, page, type FakeHandler } from '../support/fake-openai-server.js';
import { closeOpenAiHarnesses, openAiHarness, type BuiltDayOk } from '../support/openai-harness.js';

afterEach(closeOpenAiHarnesses);

const ENDPOINTS = ['vector_stores', 'code_interpreter_sessions', 'web_search_calls', 'file_search_calls', 'costs'];

const RESULTS: Record<string, object[]> = {
  vector_stores: [{ object: 'organization.usage.vector_stores.result', usage_bytes: 3_221_225_472, project_id: 'proj_a' }],
  code_interpreter_sessions: [{ object: 'organization.usage.code_interpreter_sessions.result', num_sessions: 7, project_id: 'proj_a' }],
  web_search_calls: [
    { object: 'organization.usage.web_searches.result', num_requests: 12, num_model_requests: 9, project_id: 'proj_a', user_id: null, api_key_id: 'key_a', model: 'gpt-4o', context_level: 'high' },
  ],
  file_search_calls: [{ object: 'organization.usage.file_searches.result', num_requests: 40, project_id: 'proj_a', user_id: 'user_a', api_key_id: 'key_a', vector_store_id: 'vs_1' }],
};

function answering(results: Record<string, object[]>): FakeHandler {
  return ({ path, query }) => {
    const endpoint = path.split('/').pop()!;
    return { body: page(bucketsForQuery(query, () => results[endpoint] ?? [])) };
  };
}

describe('openai source: tool and storage endpoints', () => {
  it('reads each into a canonical record with its own counters and dimensions, the rest null', async () => {
    const { collect } = await openAiHarness(answering(RESULTS), { endpoints: ENDPOINTS });
    const [day] = (await collect(['2026-11-01'])).flat() as BuiltDayOk[];
    expect(day!.status).toBe('ok');
    const byEndpoint = Object.fromEntries(day!.records.map((record) => [record.endpoint, record]));
    expect(byEndpoint.vector_stores).toMatchObject({ project_id: 'proj_a', usage_bytes: 3_221_225_472, model: null, context_level: null, vector_store_id: null });
    expect(byEndpoint.code_interpreter_sessions).toMatchObject({ project_id: 'proj_a', num_sessions: 7, api_key_id: null });
    expect(byEndpoint.web_search_calls).toMatchObject({ model: 'gpt-4o', context_level: 'high', api_key_id: 'key_a', num_requests: 12, num_model_requests: 9, vector_store_id: null });
    expect(byEndpoint.file_search_calls).toMatchObject({ vector_store_id: 'vs_1', user_id: 'user_a', num_requests: 40, model: null, context_level: null });
    // None of them carries tokens: they add nothing to a day's token total.
    expect(Object.keys(byEndpoint.web_search_calls!)).not.toContain('input_tokens');
    expect(day!.raw.map((entry) => entry.endpoint)).toEqual(ENDPOINTS);
  });

  it('refuses a search result under the endpoint\'s name instead of the tool\'s as SCHEMA_MISMATCH', async () => {
    const wrong = { ...RESULTS, web_search_calls: [{ ...RESULTS.web_search_calls![0], object: 'organization.usage.web_search_calls.result' }] };
    const { collect } = await openAiHarness(answering(wrong), { endpoints: ENDPOINTS });
    const [day] = (await collect(['2026-11-01'])).flat() as DayFailed[];
    expect(day).toMatchObject({ status: 'missing', code: 'SCHEMA_MISMATCH', endpoint: 'web_search_calls' });
  });

  it('refuses a storage result without usage_bytes rather than read it as zero', async () => {
    const handler: FakeHandler = ({ path, query }) =>
      path.endsWith('/vector_stores')
        ? { body: page([bucket('2026-11-01', [{ object: 'organization.usage.vector_stores.result', project_id: 'proj_a' }])]) }
        : answering(RESULTS)({ path, query } as Parameters<FakeHandler>[0]);
    const { collect } = await openAiHarness(handler, { endpoints: ENDPOINTS });
    const [day] = (await collect(['2026-11-01'])).flat() as DayFailed[];
    expect(day).toMatchObject({ code: 'SCHEMA_MISMATCH', endpoint: 'vector_stores' });
    expect(day!.message).toContain('usage_bytes');
  });
});
