// Talking to a running simulator from tests: authenticated GETs over loopback, bodies
// parsed exactly (money stays an ExactNumber), and whole paginated answers gathered.

import { parseJsonExact, type JsonValue } from '../../src/lib/json/json.js';
import type { Simulator } from '../../src/simulator/index.js';

export const ADMIN_KEY = 'sk-admin-test-0001';
export const DAY = 86_400;
/** A Wednesday afternoon, so today is partial and the week has weekend days in it. */
export const NOW = new Date('2025-03-12T15:45:00Z');
export const TODAY = Date.UTC(2025, 2, 12) / 1000;

export type Query = Record<string, string | number | boolean | readonly (string | number)[]>;

export interface Bucket {
  object: string;
  start_time: number;
  end_time: number;
  results: Record<string, JsonValue>[];
}

export interface PageBody {
  object: string;
  data: Bucket[];
  has_more: boolean;
  next_page: string | null;
}

export interface Answer<T = PageBody> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

export function urlOf(simulator: Simulator, path: string, query: Query): string {
  const url = new URL(`${simulator.url}${path}`);
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  return url.toString();
}

export async function get<T = PageBody>(
  simulator: Simulator,
  path: string,
  query: Query,
  authorization: string | null = `Bearer ${ADMIN_KEY}`,
): Promise<Answer<T>> {
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  const response = await fetch(urlOf(simulator, path, query), { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parseJsonExact(text) as T };
}

/** Every page of a query, following next_page; split buckets are joined back together. */
export async function getAll(simulator: Simulator, path: string, query: Query, maxPages = 100): Promise<{ buckets: Bucket[]; pages: PageBody[] }> {
  const pages: PageBody[] = [];
  let cursor: string | null = null;
  do {
    const answer: Answer = await get(simulator, path, cursor === null ? query : { ...query, page: cursor });
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.text}`);
    pages.push(answer.body);
    cursor = answer.body.has_more ? answer.body.next_page : null;
    if (pages.length > maxPages) throw new Error('pagination did not end');
  } while (cursor !== null);
  const buckets: Bucket[] = [];
  for (const page of pages) {
    for (const bucket of page.data) {
      const last = buckets[buckets.length - 1];
      if (last && last.start_time === bucket.start_time) last.results.push(...bucket.results);
      else buckets.push({ ...bucket, results: [...bucket.results] });
    }
  }
  return { buckets, pages };
}

/** Sums of the named counters over every result of every bucket. */
export function sumResults(buckets: readonly Bucket[], counters: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(counters.map((counter) => [counter, 0]));
  for (const bucket of buckets) {
    for (const result of bucket.results) {
      for (const counter of counters) totals[counter] = (totals[counter] ?? 0) + Number(result[counter] ?? 0);
    }
  }
  return totals;
}

export const COMPLETIONS_COUNTERS = [
  'input_tokens',
  'output_tokens',
  'input_cached_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'num_model_requests',
] as const;

export const COMPLETIONS_DIMENSIONS = ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier'] as const;

/** Each usage endpoint but completions: its counters and dimensions in the published schema's order. */
export const ENDPOINT_FIELDS: Record<string, { object?: string; counters: string[]; dimensions: string[] }> = {
  embeddings: { counters: ['input_tokens', 'num_model_requests'], dimensions: ['project_id', 'user_id', 'api_key_id', 'model'] },
  moderations: { counters: ['input_tokens', 'num_model_requests'], dimensions: ['project_id', 'user_id', 'api_key_id', 'model'] },
  images: { counters: ['images', 'num_model_requests'], dimensions: ['source', 'size', 'project_id', 'user_id', 'api_key_id', 'model'] },
  audio_speeches: { counters: ['characters', 'num_model_requests'], dimensions: ['project_id', 'user_id', 'api_key_id', 'model'] },
  audio_transcriptions: { counters: ['seconds', 'num_model_requests'], dimensions: ['project_id', 'user_id', 'api_key_id', 'model'] },
  vector_stores: { counters: ['usage_bytes'], dimensions: ['project_id'] },
  code_interpreter_sessions: { counters: ['num_sessions'], dimensions: ['project_id'] },
  web_search_calls: {
    object: 'organization.usage.web_searches.result',
    counters: ['num_model_requests', 'num_requests'],
    dimensions: ['project_id', 'user_id', 'api_key_id', 'model', 'context_level'],
  },
  file_search_calls: {
    object: 'organization.usage.file_searches.result',
    counters: ['num_requests'],
    dimensions: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
  },
};

/** The result object an endpoint answers with; the search endpoints name theirs after the tool. */
export function resultObjectOf(endpoint: string): string {
  return ENDPOINT_FIELDS[endpoint]?.object ?? `organization.usage.${endpoint}.result`;
}
