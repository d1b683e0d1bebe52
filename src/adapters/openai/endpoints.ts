// The OpenAI endpoints the ledger reads, with what each can be grouped by, which counters
// its results carry and how many daily buckets one page may ask for. Options validate
// user input against this table, the source builds requests from it, normalize reads it.

export const OPENAI_USAGE_ENDPOINTS = [
  'completions',
  'embeddings',
  'moderations',
  'images',
  'audio_speeches',
  'audio_transcriptions',
  'vector_stores',
  'code_interpreter_sessions',
  'web_search_calls',
  'file_search_calls',
] as const;

/** Every endpoint, in the order requests are made and raw pages are listed. */
export const OPENAI_ENDPOINTS = [...OPENAI_USAGE_ENDPOINTS, 'costs'] as const;

export type OpenAiUsageEndpoint = (typeof OPENAI_USAGE_ENDPOINTS)[number];
export type OpenAiEndpoint = (typeof OPENAI_ENDPOINTS)[number];

const MODEL_DIMENSIONS = ['project_id', 'user_id', 'api_key_id', 'model'] as const;

/** The `group_by` values each endpoint accepts; by default all of them are requested. */
export const OPENAI_GROUP_BY: Readonly<Record<OpenAiEndpoint, readonly string[]>> = {
  completions: [...MODEL_DIMENSIONS, 'batch', 'service_tier'],
  embeddings: MODEL_DIMENSIONS,
  moderations: MODEL_DIMENSIONS,
  images: [...MODEL_DIMENSIONS, 'size', 'source'],
  audio_speeches: MODEL_DIMENSIONS,
  audio_transcriptions: MODEL_DIMENSIONS,
  vector_stores: ['project_id'],
  code_interpreter_sessions: ['project_id'],
  web_search_calls: [...MODEL_DIMENSIONS, 'context_level'],
  file_search_calls: ['project_id', 'user_id', 'api_key_id', 'vector_store_id'],
  costs: ['project_id', 'line_item', 'api_key_id'],
};

export interface OpenAiEndpointSpec {
  name: OpenAiEndpoint;
  /** Relative to the base URL, which already ends in /v1. */
  path: string;
  /** Integer counters of a usage result; absent optional ones are read as 0. */
  counters: readonly string[];
  /** The most 1d buckets one request may ask for. */
  maxDaysPerRequest: number;
}

/** Usage endpoints accept at most 31 daily buckets per page, costs 180. */
export const MAX_USAGE_DAYS_PER_REQUEST = 31;
export const MAX_COSTS_DAYS_PER_REQUEST = 180;

const COMPLETIONS_COUNTERS = [
  'input_tokens',
  'output_tokens',
  'input_cached_tokens',
  'input_cache_write_tokens',
  'input_uncached_tokens',
  'input_text_tokens',
  'output_text_tokens',
  'input_cached_text_tokens',
  'input_audio_tokens',
  'input_cached_audio_tokens',
  'output_audio_tokens',
  'input_image_tokens',
  'input_cached_image_tokens',
  'output_image_tokens',
  'num_model_requests',
] as const;

function usage(name: OpenAiUsageEndpoint, counters: readonly string[]): OpenAiEndpointSpec {
  return { name, path: `/organization/usage/${name}`, counters, maxDaysPerRequest: MAX_USAGE_DAYS_PER_REQUEST };
}

export const OPENAI_ENDPOINT_SPECS: Readonly<Record<OpenAiEndpoint, OpenAiEndpointSpec>> = {
  completions: usage('completions', COMPLETIONS_COUNTERS),
  embeddings: usage('embeddings', ['input_tokens', 'num_model_requests']),
  moderations: usage('moderations', ['input_tokens', 'num_model_requests']),
  images: usage('images', ['images', 'num_model_requests']),
  audio_speeches: usage('audio_speeches', ['characters', 'num_model_requests']),
  audio_transcriptions: usage('audio_transcriptions', ['seconds', 'num_model_requests']),
  vector_stores: usage('vector_stores', ['usage_bytes']),
  code_interpreter_sessions: usage('code_interpreter_sessions', ['num_sessions']),
  web_search_calls: usage('web_search_calls', ['num_requests', 'num_model_requests']),
  file_search_calls: usage('file_search_calls', ['num_requests']),
  // Costs carry money, not integer counters: normalize writes amount, currency, quantity.
  costs: { name: 'costs', path: '/organization/costs', counters: [], maxDaysPerRequest: MAX_COSTS_DAYS_PER_REQUEST },
};

export function isOpenAiEndpoint(name: string): name is OpenAiEndpoint {
  return (OPENAI_ENDPOINTS as readonly string[]).includes(name);
}

export function isOpenAiUsageEndpoint(name: OpenAiEndpoint): name is OpenAiUsageEndpoint {
  return name !== 'costs';
}
