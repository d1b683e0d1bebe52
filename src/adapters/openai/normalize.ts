// One OpenAI result becomes one canonical record: every key field present (null where the
// endpoint does not have the dimension or it was not grouped by), the endpoint's counters
// as integers with absent optional ones read as 0, and money as exact decimal strings.

import { ExactNumber } from '../../lib/json/json.js';
import { type CanonicalRecord, KEY_FIELDS, type KeyField } from '../../domain/records.js';
import { OPENAI_ENDPOINT_SPECS, type OpenAiEndpoint } from './endpoints.js';
import type { CostsResult, OpenAiResult } from './schemas.js';

/** Key fields each endpoint can fill; the rest are always null for it. */
const DIMENSIONS: Readonly<Record<OpenAiEndpoint, readonly KeyField[]>> = {
  completions: ['project_id', 'api_key_id', 'user_id', 'model', 'batch', 'service_tier'],
  embeddings: ['project_id', 'api_key_id', 'user_id', 'model'],
  moderations: ['project_id', 'api_key_id', 'user_id', 'model'],
  images: ['project_id', 'api_key_id', 'user_id', 'model', 'source', 'size'],
  audio_speeches: ['project_id', 'api_key_id', 'user_id', 'model'],
  audio_transcriptions: ['project_id', 'api_key_id', 'user_id', 'model'],
  vector_stores: ['project_id'],
  code_interpreter_sessions: ['project_id'],
  web_search_calls: ['project_id', 'api_key_id', 'user_id', 'model', 'context_level'],
  file_search_calls: ['project_id', 'api_key_id', 'user_id', 'vector_store_id'],
  costs: ['project_id', 'api_key_id', 'line_item'],
};

/** Unix seconds to `2026-11-15T00:00:00Z`: whole seconds, no milliseconds. */
export function unixSecondsToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An exact decimal string; money never passes through a binary float. */
function exactDecimal(value: number | ExactNumber): string {
  return value instanceof ExactNumber ? value.toDecimal() : String(value);
}

function fieldOf(result: OpenAiResult, name: string): unknown {
  return (result as Readonly<Record<string, unknown>>)[name];
}

const COST_FIELDS = ['amount', 'currency', 'quantity', 'quantity_unit'] as const;

function costCounters(result: CostsResult): Record<(typeof COST_FIELDS)[number], string | null> {
  return {
    amount: exactDecimal(result.amount.value),
    currency: result.amount.currency.toLowerCase(),
    quantity: result.quantity === undefined || result.quantity === null ? null : exactDecimal(result.quantity),
    quantity_unit: result.quantity_unit ?? null,
  };
}

export interface BucketWindow {
  start_time: number;
  end_time: number;
}

/** A dimension as the provider grouped it; null when it did not (or sent something else). */
function dimensionOf(result: OpenAiResult, field: KeyField): string | boolean | null {
  const value = fieldOf(result, field);
  return typeof value === 'string' || typeof value === 'boolean' ? value : null;
}

export function normalizeResult(endpoint: OpenAiEndpoint, bucket: BucketWindow, result: OpenAiResult): CanonicalRecord {
  const dimensions = DIMENSIONS[endpoint];
  const record: Record<string, unknown> = {};
  for (const field of KEY_FIELDS) record[field] = dimensions.includes(field) ? dimensionOf(result, field) : null;
  record.provider = 'openai';
  record.endpoint = endpoint;
  record.window_start = unixSecondsToIso(bucket.start_time);
  record.window_end = unixSecondsToIso(bucket.end_time);
  if (endpoint === 'costs') {
    Object.assign(record, costCounters(result as CostsResult));
  } else {
    for (const counter of OPENAI_ENDPOINT_SPECS[endpoint].counters) {
      const value = fieldOf(result, counter);
      record[counter] = typeof value === 'number' ? value : 0;
    }
  }
  return record as CanonicalRecord;
}
