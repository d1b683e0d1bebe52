// One OpenAI result becomes one canonical record: every key field present (null where the
// endpoint does not have the dimension or it was not grouped by), the endpoint's counters
// as integers with absent optional ones read as 0, and money as exact decimal strings.

import { ExactNumber } from '../../core/json.js';
import { type CanonicalRecord, KEY_FIELDS, type KeyField } from '../../core/records.js';
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

/** Every result of a bucket shares its two window times: format each once, not per record. */
const isoCache = new Map<number, string>();
function windowIso(seconds: number): string {
  let iso = isoCache.get(seconds);
  if (iso === undefined) {
    if (isoCache.size >= 64) isoCache.clear();
    iso = unixSecondsToIso(seconds);
    isoCache.set(seconds, iso);
  }
  return iso;
}

type FieldSource = 'provider' | 'endpoint' | 'window_start' | 'window_end' | 'dimension' | 'absent' | 'counter' | 'cost';

/**
 * Per endpoint, every field of its records in sorted order with where its value comes
 * from. Records are built in that order so canonical JSON can write them as they are.
 */
const FIELD_PLANS: Readonly<Record<OpenAiEndpoint, ReadonlyArray<readonly [string, FieldSource]>>> = (() => {
  const plans = {} as Record<OpenAiEndpoint, Array<readonly [string, FieldSource]>>;
  for (const endpoint of Object.keys(DIMENSIONS) as OpenAiEndpoint[]) {
    const fields = new Map<string, FieldSource>();
    for (const field of KEY_FIELDS) {
      const fixed = field === 'provider' || field === 'endpoint' || field === 'window_start' || field === 'window_end';
      fields.set(field, fixed ? field : DIMENSIONS[endpoint].includes(field) ? 'dimension' : 'absent');
    }
    if (endpoint === 'costs') for (const field of COST_FIELDS) fields.set(field, 'cost');
    else for (const counter of OPENAI_ENDPOINT_SPECS[endpoint].counters) fields.set(counter, 'counter');
    plans[endpoint] = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return plans;
})();

/** Makes a record from its field values, in its plan's order. */
type RecordMaker = (values: readonly unknown[]) => CanonicalRecord;

/**
 * Per endpoint, a function returning one object literal with the plan's fields. An object
 * given its properties one by one under computed names becomes a hash table after a dozen
 * or so (a completions record has 28), and then every read, key listing, sort, validation
 * and serialization of it is several times slower. A literal's fields are fixed when it
 * is compiled, so every record of an endpoint shares one compact layout. The source is
 * made from the plan's own field names, each written as a JSON string literal.
 */
const RECORD_MAKERS: Readonly<Record<OpenAiEndpoint, RecordMaker>> = (() => {
  const makers = {} as Record<OpenAiEndpoint, RecordMaker>;
  for (const [endpoint, plan] of Object.entries(FIELD_PLANS) as Array<[OpenAiEndpoint, (typeof FIELD_PLANS)[OpenAiEndpoint]]>) {
    // In a literal, "__proto__" would set the prototype instead of making a field.
    if (plan.some(([field]) => field === '__proto__')) throw new Error(`openai ${endpoint}: a record field may not be named __proto__`);
    const members = plan.map(([field], index) => `${JSON.stringify(field)}: values[${index}]`).join(', ');
    makers[endpoint] = new Function('values', `return { ${members} };`) as RecordMaker;
  }
  return makers;
})();

export function normalizeResult(endpoint: OpenAiEndpoint, bucket: BucketWindow, result: OpenAiResult): CanonicalRecord {
  const costs = endpoint === 'costs' ? costCounters(result as CostsResult) : undefined;
  const plan = FIELD_PLANS[endpoint];
  const values = new Array<unknown>(plan.length);
  for (let index = 0; index < plan.length; index += 1) {
    const [field, source] = plan[index] as (typeof plan)[number];
    switch (source) {
      case 'provider':
        values[index] = 'openai';
        break;
      case 'endpoint':
        values[index] = endpoint;
        break;
      case 'window_start':
        values[index] = windowIso(bucket.start_time);
        break;
      case 'window_end':
        values[index] = windowIso(bucket.end_time);
        break;
      case 'dimension': {
        const value = fieldOf(result, field);
        values[index] = typeof value === 'string' || typeof value === 'boolean' ? value : null;
        break;
      }
      case 'absent':
        values[index] = null;
        break;
      case 'counter': {
        const value = fieldOf(result, field);
        values[index] = typeof value === 'number' ? value : 0;
        break;
      }
      case 'cost':
        values[index] = (costs as Record<string, string | null>)[field];
        break;
    }
  }
  return RECORD_MAKERS[endpoint](values);
}
