// Responses look like OpenAI's: pages of contiguous buckets, results carrying the
// schema's required fields, dimensions null unless grouped, and the common headers.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { COMPLETIONS_COUNTERS, COMPLETIONS_DIMENSIONS, DAY, ENDPOINT_FIELDS, get, NOW, resultObjectOf, TODAY } from './helpers.js';

describe('response shapes', () => {
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('answers completions with a page of contiguous day buckets carrying the required fields', async () => {
    const start = TODAY - 6 * DAY;
    const answer = await get(simulator, '/organization/usage/completions', { start_time: start, end_time: TODAY + DAY, group_by: ['model'] });
    expect(answer.status).toBe(200);
    const page = answer.body;
    expect(Object.keys(page).sort()).toEqual(['data', 'has_more', 'next_page', 'object']);
    expect(page.object).toBe('page');
    expect(page.has_more).toBe(false);
    expect(page.next_page).toBeNull();
    expect(page.data.map((bucket) => bucket.start_time)).toEqual(Array.from({ length: 7 }, (_, i) => start + i * DAY));
    for (const bucket of page.data) {
      expect(bucket.object).toBe('bucket');
      expect(bucket.end_time).toBe(bucket.start_time + DAY);
      expect(bucket.results.length).toBeGreaterThan(0);
      for (const result of bucket.results) {
        expect(result.object).toBe('organization.usage.completions.result');
        for (const counter of COMPLETIONS_COUNTERS) expect(Number.isInteger(result[counter]), counter).toBe(true);
        expect(result.input_cached_tokens as number).toBeLessThanOrEqual(result.input_tokens as number);
        expect(typeof result.model).toBe('string');
        for (const dimension of COMPLETIONS_DIMENSIONS.filter((d) => d !== 'model')) expect(result[dimension], dimension).toBeNull();
      }
    }
  });

  it('returns every bucket in range, empty ones as results: [], and no usage after now', async () => {
    const answer = await get(simulator, '/organization/usage/completions', { start_time: TODAY, end_time: TODAY + 3 * DAY });
    expect(answer.body.data.map((bucket) => bucket.results.length)).toEqual([1, 0, 0]);
    const empty = await startSimulator({ now: () => NOW, org: 'empty' });
    try {
      const none = await get(empty, '/organization/usage/completions', { start_time: TODAY - 2 * DAY, end_time: TODAY + DAY });
      expect(none.body.data).toHaveLength(3);
      expect(none.body.data.every((bucket) => bucket.results.length === 0)).toBe(true);
    } finally {
      await empty.close();
    }
  });

  it('fills every grouped dimension and reports batch and service tier only when grouped', async () => {
    const grouped = await get(simulator, '/organization/usage/completions', {
      start_time: TODAY - DAY,
      end_time: TODAY,
      group_by: [...COMPLETIONS_DIMENSIONS],
    });
    const results = grouped.body.data[0]!.results;
    expect(results.length).toBeGreaterThanOrEqual(40);
    expect(results.length).toBeLessThanOrEqual(80);
    for (const result of results) {
      expect(result.project_id).toMatch(/^proj_/);
      expect(result.api_key_id).toMatch(/^key_/);
      expect(result.user_id).toMatch(/^user-/);
      expect(typeof result.batch).toBe('boolean');
      expect(['default', 'flex', 'priority']).toContain(result.service_tier);
    }
    expect(new Set(results.map((r) => r.batch))).toEqual(new Set([true, false]));
    const keys = results.map((r) => JSON.stringify(COMPLETIONS_DIMENSIONS.map((d) => r[d])));
    expect(new Set(keys).size).toBe(keys.length);

    const ungrouped = await get(simulator, '/organization/usage/completions', { start_time: TODAY - DAY, end_time: TODAY });
    const [total] = ungrouped.body.data[0]!.results;
    for (const dimension of COMPLETIONS_DIMENSIONS) expect(total![dimension]).toBeNull();
  });

  it.each(Object.entries(ENDPOINT_FIELDS))('answers %s with its own result object and fields', async (endpoint, fields) => {
    const answer = await get(simulator, `/organization/usage/${endpoint}`, {
      start_time: TODAY - 7 * DAY,
      end_time: TODAY,
      group_by: fields.dimensions,
    });
    expect(answer.status).toBe(200);
    const results = answer.body.data.flatMap((bucket) => bucket.results);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(Object.keys(result).sort()).toEqual(['object', ...fields.counters, ...fields.dimensions].sort());
      expect(result.object).toBe(resultObjectOf(endpoint));
      for (const counter of fields.counters) expect(Number.isInteger(result[counter])).toBe(true);
      for (const dimension of fields.dimensions) expect(typeof result[dimension]).toBe('string');
    }
  });

  it('labels images with real sources and sizes', async () => {
    const answer = await get(simulator, '/organization/usage/images', { start_time: TODAY - 7 * DAY, end_time: TODAY, group_by: ['source', 'size', 'model'] });
    for (const result of answer.body.data.flatMap((bucket) => bucket.results)) {
      expect(['image.generation', 'image.edit', 'image.variation']).toContain(result.source);
      expect(['256x256', '512x512', '1024x1024', '1792x1792', '1024x1792']).toContain(result.size);
    }
  });

  it('sends the common headers on successes and failures alike, and logs both', async () => {
    const ok = await get(simulator, '/organization/usage/embeddings', { start_time: TODAY - DAY, group_by: ['model'] });
    const bad = await get(simulator, '/organization/usage/embeddings', { start_time: 'yesterday' });
    for (const answer of [ok, bad]) {
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('x-usage-ledger-origin')).toBe('simulator');
      expect(answer.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(Number(answer.headers.get('x-ratelimit-limit-requests'))).toBeGreaterThan(0);
      expect(answer.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
    }
    expect(ok.headers.get('x-request-id')).not.toBe(bad.headers.get('x-request-id'));
    expect(simulator.requestLog.map(({ method, path, endpoint, status }) => ({ method, path, endpoint, status }))).toEqual([
      { method: 'GET', path: '/v1/organization/usage/embeddings', endpoint: 'embeddings', status: 200 },
      { method: 'GET', path: '/v1/organization/usage/embeddings', endpoint: 'embeddings', status: 400 },
    ]);
    expect(simulator.requestLog[0]!.query).toEqual({ start_time: String(TODAY - DAY), group_by: 'model' });
    simulator.clearLog();
    expect(simulator.requestLog).toEqual([]);
  });

  it('logs array parameters given as name[] or repeated under the plain name', async () => {
    await get(simulator, '/organization/usage/completions', { start_time: TODAY - DAY, 'group_by[]': ['model', 'batch'] });
    await get(simulator, '/organization/usage/completions', { start_time: TODAY - DAY, group_by: ['model', 'batch'] });
    const [first, second] = simulator.requestLog;
    expect(first!.query.group_by).toEqual(['model', 'batch']);
    expect(second!.query).toEqual(first!.query);
    expect(first!.status).toBe(200);
  });

  it('answers an unknown path with a 404 in the OpenAI error shape', async () => {
    const answer = await get<{ error: Record<string, unknown> }>(simulator, '/organization/usage/fine_tuning', { start_time: TODAY });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(simulator.requestLog[0]).toMatchObject({ endpoint: '', status: 404 });
  });
});
