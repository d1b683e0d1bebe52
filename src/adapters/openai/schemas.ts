// What a usage or costs page must look like before anything is read from it. Required
// fields are enforced, so a changed API becomes a SCHEMA_MISMATCH instead of zeros; extra
// fields are allowed, so an API that adds a field keeps working. Bodies come from
// parseJsonExact: money may be an ExactNumber, integers that fit stay numbers.

import { z } from 'zod';
import { ExactNumber } from '../../lib/json/json.js';
import type { OpenAiEndpoint } from './endpoints.js';

const count = z.number().int().nonnegative();
const optionalCount = count.optional();
const dimension = z.string().nullable().optional();
/** Money and quantities: an exact literal, or a number when it was a safe integer. */
const exactNumber = z.union([z.number(), z.instanceof(ExactNumber)]);

const modelDimensions = {
  project_id: dimension,
  user_id: dimension,
  api_key_id: dimension,
  model: dimension,
};

const completionsResult = z.object({
  object: z.literal('organization.usage.completions.result'),
  ...modelDimensions,
  batch: z.boolean().nullable().optional(),
  service_tier: dimension,
  input_tokens: count,
  output_tokens: count,
  num_model_requests: count,
  input_cached_tokens: optionalCount,
  input_cache_write_tokens: optionalCount,
  input_uncached_tokens: optionalCount,
  input_text_tokens: optionalCount,
  output_text_tokens: optionalCount,
  input_cached_text_tokens: optionalCount,
  input_audio_tokens: optionalCount,
  input_cached_audio_tokens: optionalCount,
  output_audio_tokens: optionalCount,
  input_image_tokens: optionalCount,
  input_cached_image_tokens: optionalCount,
  output_image_tokens: optionalCount,
});

const embeddingsResult = z.object({
  object: z.literal('organization.usage.embeddings.result'),
  ...modelDimensions,
  input_tokens: count,
  num_model_requests: count,
});

const moderationsResult = z.object({
  object: z.literal('organization.usage.moderations.result'),
  ...modelDimensions,
  input_tokens: count,
  num_model_requests: count,
});

const imagesResult = z.object({
  object: z.literal('organization.usage.images.result'),
  ...modelDimensions,
  source: dimension,
  size: dimension,
  images: count,
  num_model_requests: count,
});

const audioSpeechesResult = z.object({
  object: z.literal('organization.usage.audio_speeches.result'),
  ...modelDimensions,
  characters: count,
  num_model_requests: count,
});

const audioTranscriptionsResult = z.object({
  object: z.literal('organization.usage.audio_transcriptions.result'),
  ...modelDimensions,
  seconds: count,
  num_model_requests: count,
});

const vectorStoresResult = z.object({
  object: z.literal('organization.usage.vector_stores.result'),
  project_id: dimension,
  usage_bytes: count,
});

const codeInterpreterSessionsResult = z.object({
  object: z.literal('organization.usage.code_interpreter_sessions.result'),
  project_id: dimension,
  num_sessions: count,
});

// The search endpoints name their results after the tool, not the endpoint.
const webSearchCallsResult = z.object({
  object: z.literal('organization.usage.web_searches.result'),
  ...modelDimensions,
  context_level: dimension,
  num_requests: count,
  num_model_requests: count,
});

const fileSearchCallsResult = z.object({
  object: z.literal('organization.usage.file_searches.result'),
  project_id: dimension,
  user_id: dimension,
  api_key_id: dimension,
  vector_store_id: dimension,
  num_requests: count,
});

// The published schema marks `amount` optional; a cost result without one cannot be
// recorded without inventing a zero, so it is treated as a shape we do not know.
const costsResult = z.object({
  object: z.literal('organization.costs.result'),
  amount: z.object({ value: exactNumber, currency: z.string().min(1) }),
  project_id: dimension,
  api_key_id: dimension,
  line_item: dimension,
  quantity: exactNumber.nullable().optional(),
  quantity_unit: z.string().nullable().optional(),
});

export const OPENAI_RESULT_SCHEMAS = {
  completions: completionsResult,
  embeddings: embeddingsResult,
  moderations: moderationsResult,
  images: imagesResult,
  audio_speeches: audioSpeechesResult,
  audio_transcriptions: audioTranscriptionsResult,
  vector_stores: vectorStoresResult,
  code_interpreter_sessions: codeInterpreterSessionsResult,
  web_search_calls: webSearchCallsResult,
  file_search_calls: fileSearchCallsResult,
  costs: costsResult,
} as const satisfies Record<OpenAiEndpoint, z.ZodType>;

export type CostsResult = z.infer<typeof costsResult>;
export type UsageResult = z.infer<(typeof OPENAI_RESULT_SCHEMAS)[Exclude<OpenAiEndpoint, 'costs'>]>;
export type OpenAiResult = UsageResult | CostsResult;

function bucketSchema<R extends z.ZodType>(result: R) {
  return z.object({
    object: z.literal('bucket'),
    start_time: z.number().int(),
    end_time: z.number().int(),
    results: z.array(result),
  });
}

function pageSchema<R extends z.ZodType>(result: R) {
  return z.object({
    object: z.literal('page'),
    data: z.array(bucketSchema(result)),
    has_more: z.boolean(),
    next_page: z.string().nullable(),
  });
}

export interface OpenAiBucket {
  start_time: number;
  end_time: number;
  results: OpenAiResult[];
}

export interface OpenAiPage {
  data: OpenAiBucket[];
  has_more: boolean;
  next_page: string | null;
}

/** One schema per endpoint, made from its result schema. */
function perEndpoint<T>(make: (result: z.ZodType<OpenAiResult>) => T): Record<OpenAiEndpoint, T> {
  const made = {} as Record<OpenAiEndpoint, T>;
  for (const [endpoint, result] of Object.entries(OPENAI_RESULT_SCHEMAS)) made[endpoint as OpenAiEndpoint] = make(result as z.ZodType<OpenAiResult>);
  return made;
}

const PAGE_SCHEMAS: Record<OpenAiEndpoint, z.ZodType<OpenAiPage>> = perEndpoint(pageSchema);
const BUCKET_SCHEMAS: Record<OpenAiEndpoint, z.ZodType<OpenAiBucket>> = perEndpoint(bucketSchema);

/** Where a page breaks the expected shape, and how. */
export interface ShapeIssue {
  path: PropertyKey[];
  message: string;
}

/** Every issue of a whole page, in the order zod reports them. */
export function pageIssues(endpoint: OpenAiEndpoint, body: unknown): ShapeIssue[] {
  const parsed = PAGE_SCHEMAS[endpoint].safeParse(body);
  return parsed.success ? [] : parsed.error.issues;
}

/** Every issue of the page's bucket at `index` of its data, with paths from the page. */
export function bucketIssues(endpoint: OpenAiEndpoint, bucket: unknown, index: number): ShapeIssue[] {
  // The schemas only check (no defaults, no transforms), so the bucket itself is what
  // later steps read; zod's copy of it is not kept.
  const parsed = BUCKET_SCHEMAS[endpoint].safeParse(bucket);
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: ['data', index, ...issue.path], message: issue.message }));
}

/** The first issue's path and message, and how many more there are. */
export function describeIssues(issues: readonly ShapeIssue[]): string {
  const first = issues[0];
  const path = first === undefined || first.path.length === 0 ? '(root)' : first.path.map(String).join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${path}: ${first?.message ?? 'invalid'}${more}`;
}

export type PageParse = { ok: true; page: OpenAiPage } | { ok: false; issue: string };

/** Validates one page of `endpoint`; on failure names the first offending path. */
export function parseOpenAiPage(endpoint: OpenAiEndpoint, body: unknown): PageParse {
  const issues = pageIssues(endpoint, body);
  // The schemas only check (no defaults, no transforms): the page is the body itself, not
  // zod's copy of it, which would double what a long page holds in memory. The copy would
  // only differ by dropping fields nothing here reads.
  if (issues.length === 0) return { ok: true, page: body as OpenAiPage };
  return { ok: false, issue: describeIssues(issues) };
}
