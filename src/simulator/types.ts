// The simulator's public vocabulary: options, scenarios, usage events and the request log.

export const USAGE_ENDPOINTS = [
  'completions',
  'embeddings',
  'moderations',
  'images',
  'audio_speeches',
  'audio_transcriptions',
  // Appended, so the traffic of the endpoints above stays what each seed always gave.
  'vector_stores',
  'code_interpreter_sessions',
  'web_search_calls',
  'file_search_calls',
] as const;

export type UsageEndpoint = (typeof USAGE_ENDPOINTS)[number];

export const SCENARIO_NAMES = [
  'late-data',
  'restatement',
  'rate-limit',
  'rate-limit-no-retry-after',
  'server-error',
  'flaky',
  'repeated-cursor',
  'malformed-page',
  'missing-day',
  'paginated',
  'duplicate-bucket',
  'overlapping-pages',
  'out-of-range-bucket',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type OrgSize = 'small' | 'large' | 'empty';

export interface SimulatorOptions {
  /** Misbehaviours to switch on; none means a steady, well-behaved provider. */
  scenarios?: ScenarioName[];
  /** Same seed, same organization and same traffic. Default 1. */
  seed?: number;
  /** small: ~40-80 grouped completions records a day; large: ~3000 records a day over all endpoints; empty: only added events. */
  org?: OrgSize;
  /** What "now" is for the simulated provider; default real time. */
  now?: () => Date;
  /** Delay added to every response. */
  latencyMs?: number;
  /** Requests allowed in any 60 s of real time before answering 429. */
  maxRequestsPerMinute?: number;
  /** Most results one page may hold; buckets that do not fit are split across pages. */
  maxResultsPerPage?: number;
  host?: string;
  port?: number;
}

/** One minute (or any second) of usage with its dimensions and counters. */
export interface SimEvent {
  /** Unix seconds. */
  timestamp: number;
  endpoint: UsageEndpoint;
  project_id: string;
  /** Absent where usage belongs to no key, user or model, as vector store storage does. */
  api_key_id?: string;
  user_id?: string;
  model?: string;
  batch?: boolean;
  service_tier?: string;
  input_tokens?: number;
  output_tokens?: number;
  input_cached_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  num_model_requests?: number;
  images?: number;
  characters?: number;
  seconds?: number;
  source?: string;
  size?: string;
  /** Bytes stored at the day's snapshot (vector_stores). */
  usage_bytes?: number;
  num_sessions?: number;
  /** Tool calls (web_search_calls, file_search_calls). */
  num_requests?: number;
  /** low, medium or high (web_search_calls). */
  context_level?: string;
  vector_store_id?: string;
}

export interface LoggedRequest {
  method: string;
  /** e.g. /v1/organization/usage/completions */
  path: string;
  /** 'completions', 'embeddings', ..., 'costs'; '' for an unknown path. */
  endpoint: string;
  /** Query parameters; a repeated name (or `name[]`) collects into an array under `name`. */
  query: Record<string, string | string[]>;
  status: number;
  /** Date.now() when the response was sent. */
  at: number;
}

export interface TruthQuery {
  endpoint: UsageEndpoint;
  start: number;
  end: number;
  api_key_ids?: string[];
  project_ids?: string[];
}

export interface FailNextOptions {
  /** Sent as the Retry-After header of each failure. */
  retryAfter?: string;
  /** Only requests to this endpoint ('completions', 'costs', ...) match. */
  endpoint?: string;
  /** Let this many matching requests through before the failures start. Default 0. */
  after?: number;
}

export interface Simulator {
  /** Base URL ending in /v1. */
  readonly url: string;
  readonly requestLog: readonly LoggedRequest[];
  clearLog(): void;
  addEvents(events: SimEvent[]): void;
  restateDay(date: string, percent: number): void;
  failNext(count: number, status: number, options?: FailNextOptions): void;
  truth(query: TruthQuery): Record<string, number>;
  truthCost(query: { start: number; end: number }): string;
  close(): Promise<void>;
}
