// What each usage endpoint accepts and answers, following the published OpenAI schema:
// its counters, the dimensions it can group by (in the order results list them), its
// filters, and the bucket widths and limits shared by all usage endpoints.

import type { SimEvent, UsageEndpoint } from './types.js';

export type Dimension =
  | 'project_id'
  | 'user_id'
  | 'api_key_id'
  | 'model'
  | 'batch'
  | 'service_tier'
  | 'source'
  | 'size'
  | 'context_level'
  | 'vector_store_id';

export const COUNTERS = [
  'input_tokens',
  'output_tokens',
  'input_cached_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'num_model_requests',
  'images',
  'characters',
  'seconds',
  'usage_bytes',
  'num_sessions',
  'num_requests',
] as const;

export type Counter = (typeof COUNTERS)[number];

/** A list filter: query parameter name, the event field it matches, and its allowed values if closed. */
export interface ListFilter {
  param: string;
  field: Dimension;
  allowed?: readonly string[];
}

export interface UsageEndpointSpec {
  name: UsageEndpoint;
  resultObject: string;
  counters: readonly Counter[];
  dimensions: readonly Dimension[];
  filters: readonly ListFilter[];
}

export const IMAGE_SOURCES = ['image.generation', 'image.edit', 'image.variation'] as const;
export const IMAGE_SIZES = ['256x256', '512x512', '1024x1024', '1792x1792', '1024x1792'] as const;
export const CONTEXT_LEVELS = ['low', 'medium', 'high'] as const;

const WHO_FILTERS: readonly ListFilter[] = [
  { param: 'project_ids', field: 'project_id' },
  { param: 'user_ids', field: 'user_id' },
  { param: 'api_key_ids', field: 'api_key_id' },
];
const COMMON_FILTERS: readonly ListFilter[] = [...WHO_FILTERS, { param: 'models', field: 'model' }];
const COMMON_DIMENSIONS: readonly Dimension[] = ['project_id', 'user_id', 'api_key_id', 'model'];
/** Storage and sessions belong to a project alone, so that is all they group and filter by. */
const PROJECT_ONLY: Partial<UsageEndpointSpec> = { dimensions: ['project_id'], filters: [{ param: 'project_ids', field: 'project_id' }] };

/** An endpoint's spec; most group and filter by the common dimensions alone. */
function spec(name: UsageEndpoint, counters: readonly Counter[], own: Partial<UsageEndpointSpec> = {}): UsageEndpointSpec {
  return {
    name,
    resultObject: `organization.usage.${name}.result`,
    counters,
    dimensions: COMMON_DIMENSIONS,
    filters: COMMON_FILTERS,
    ...own,
  };
}

export const USAGE_SPECS: Readonly<Record<UsageEndpoint, UsageEndpointSpec>> = {
  completions: spec(
    'completions',
    ['input_tokens', 'output_tokens', 'input_cached_tokens', 'input_audio_tokens', 'output_audio_tokens', 'num_model_requests'],
    { dimensions: [...COMMON_DIMENSIONS, 'batch', 'service_tier'] },
  ),
  embeddings: spec('embeddings', ['input_tokens', 'num_model_requests']),
  moderations: spec('moderations', ['input_tokens', 'num_model_requests']),
  images: spec('images', ['images', 'num_model_requests'], {
    // The schema lists source and size ahead of the common dimensions.
    dimensions: ['source', 'size', ...COMMON_DIMENSIONS],
    filters: [
      { param: 'sources', field: 'source', allowed: IMAGE_SOURCES },
      { param: 'sizes', field: 'size', allowed: IMAGE_SIZES },
      ...COMMON_FILTERS,
    ],
  }),
  audio_speeches: spec('audio_speeches', ['characters', 'num_model_requests']),
  audio_transcriptions: spec('audio_transcriptions', ['seconds', 'num_model_requests']),
  vector_stores: spec('vector_stores', ['usage_bytes'], PROJECT_ONLY),
  code_interpreter_sessions: spec('code_interpreter_sessions', ['num_sessions'], PROJECT_ONLY),
  // The two tool-call endpoints name their results after the tool, not after the path.
  web_search_calls: spec('web_search_calls', ['num_model_requests', 'num_requests'], {
    resultObject: 'organization.usage.web_searches.result',
    dimensions: [...COMMON_DIMENSIONS, 'context_level'],
    filters: [...COMMON_FILTERS, { param: 'context_levels', field: 'context_level', allowed: CONTEXT_LEVELS }],
  }),
  file_search_calls: spec('file_search_calls', ['num_requests'], {
    resultObject: 'organization.usage.file_searches.result',
    dimensions: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
    filters: [...WHO_FILTERS, { param: 'vector_store_ids', field: 'vector_store_id' }],
  }),
};

export type BucketWidth = '1m' | '1h' | '1d';

export const BUCKET_SECONDS: Readonly<Record<BucketWidth, number>> = { '1m': 60, '1h': 3600, '1d': 86_400 };

/** Usage `limit` per bucket width: default and maximum number of buckets per page. */
export const USAGE_LIMITS: Readonly<Record<BucketWidth, { default: number; max: number }>> = {
  '1m': { default: 60, max: 1440 },
  '1h': { default: 24, max: 168 },
  '1d': { default: 7, max: 31 },
};

export const COSTS_GROUP_BY = ['project_id', 'line_item', 'api_key_id'] as const;
export type CostsDimension = (typeof COSTS_GROUP_BY)[number];
export const COSTS_LIMIT = { default: 7, max: 180 } as const;

/** An event's value for a dimension, with the defaults an added event may leave out. */
export function dimensionValue(event: SimEvent, dimension: Dimension): string | boolean | null {
  switch (dimension) {
    case 'batch':
      return event.batch ?? false;
    case 'service_tier':
      return event.service_tier ?? 'default';
    default:
      // Only some endpoints' events carry a given dimension (a source, a vector store).
      return event[dimension] ?? null;
  }
}

export function isUsageEndpoint(name: string): name is UsageEndpoint {
  return Object.hasOwn(USAGE_SPECS, name);
}
