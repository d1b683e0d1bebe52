import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonExact } from '../../../src/lib/json/json.js';
import { KEY_FIELDS } from '../../../src/domain/records.js';
import { normalizeResult, unixSecondsToIso } from '../../../src/adapters/openai/normalize.js';
import { parseOpenAiPage, type OpenAiResult } from '../../../src/adapters/openai/schemas.js';

const window = { start_time: 1_793_491_200, end_time: 1_793_577_600 };

describe('openai normalize', () => {
  it('writes windows as whole-second UTC times', () => {
    expect(unixSecondsToIso(window.start_time)).toBe('2026-11-01T00:00:00Z');
  });

  it('fills only the dimensions an endpoint has and reads absent counters as 0', () => {
    const images = {
      object: 'organization.usage.images.result',
      images: 2,
      num_model_requests: 2,
      size: '1024x1024',
      source: 'image.generation',
      model: 'dall-e-3',
      batch: true,
    } as OpenAiResult;
    const record = normalizeResult('images', window, images);
    expect(Object.keys(record).filter((name) => (KEY_FIELDS as readonly string[]).includes(name)).sort()).toEqual([...KEY_FIELDS].sort());
    expect(record).toMatchObject({ endpoint: 'images', size: '1024x1024', source: 'image.generation', model: 'dall-e-3', batch: null, images: 2 });

    const speech = normalizeResult('audio_speeches', window, {
      object: 'organization.usage.audio_speeches.result',
      characters: 45,
      num_model_requests: 1,
    } as OpenAiResult);
    expect(speech).toMatchObject({ characters: 45, num_model_requests: 1, model: null, project_id: null });

    const completions = normalizeResult('completions', window, {
      object: 'organization.usage.completions.result',
      input_tokens: 7,
      output_tokens: 3,
      num_model_requests: 1,
    } as OpenAiResult);
    expect(completions).toMatchObject({ input_cached_tokens: 0, input_uncached_tokens: 0, output_audio_tokens: 0, batch: null });
  });

  it('turns costs into exact decimal strings with a lowercase currency', () => {
    const costs = normalizeResult('costs', window, {
      object: 'organization.costs.result',
      amount: { value: new ExactNumber('1e-7'), currency: 'USD' },
      line_item: 'embeddings',
      project_id: 'proj_1',
    } as OpenAiResult);
    expect(costs).toMatchObject({ amount: '0.0000001', currency: 'usd', quantity: null, quantity_unit: null, line_item: 'embeddings', model: null });
  });
});

describe('openai page schemas', () => {
  it('allows fields it does not know and rejects a cost without an amount', () => {
    const page = (results: string) =>
      parseJsonExact(`{"object":"page","has_more":false,"next_page":null,"extra":1,"data":[{"object":"bucket","start_time":1,"end_time":2,"results":[${results}]}]}`);
    expect(parseOpenAiPage('costs', page('{"object":"organization.costs.result","amount":{"value":0.5,"currency":"usd"},"new_field":true}')).ok).toBe(true);
    const missing = parseOpenAiPage('costs', page('{"object":"organization.costs.result"}'));
    expect(missing).toEqual({ ok: false, issue: expect.stringContaining('data.0.results.0.amount') });
  });

  it('rejects a result of another endpoint and a page without has_more', () => {
    const wrong = parseOpenAiPage('embeddings', {
      object: 'page',
      has_more: false,
      next_page: null,
      data: [{ object: 'bucket', start_time: 1, end_time: 2, results: [{ object: 'organization.usage.moderations.result', input_tokens: 1, num_model_requests: 1 }] }],
    });
    expect(wrong.ok).toBe(false);
    expect(parseOpenAiPage('embeddings', { object: 'page', data: [], next_page: null })).toEqual({ ok: false, issue: expect.stringContaining('has_more') });
  });
});
