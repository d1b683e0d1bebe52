// The canonical record: one provider's figures for one window and one combination of
// dimensions, flat, with every dimension present (null where not grouped) so that two
// fetches of the same data produce the same key. Token counts are never part of the key.

export const PROVIDER_NAMES = ['openai'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Key fields, in the order records are sorted by. */
export const KEY_FIELDS = [
  'provider',
  'endpoint',
  'window_start',
  'window_end',
  'project_id',
  'api_key_id',
  'user_id',
  'model',
  'batch',
  'service_tier',
  'line_item',
  'source',
  'size',
  'context_level',
  'vector_store_id',
] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

export interface RecordKey {
  provider: string;
  endpoint: string;
  /** ISO 8601 UTC, inclusive. */
  window_start: string;
  /** ISO 8601 UTC, exclusive. */
  window_end: string;
  project_id: string | null;
  api_key_id: string | null;
  user_id: string | null;
  model: string | null;
  batch: boolean | null;
  service_tier: string | null;
  /** Costs only: the invoice line item. */
  line_item: string | null;
  /** Images only: image.generation, image.edit, ... */
  source: string | null;
  /** Images only: the image size. */
  size: string | null;
  /** Web search calls only: the search context size (low, medium, high). */
  context_level: string | null;
  /** File search calls only: the vector store searched. */
  vector_store_id: string | null;
}

/**
 * Counters sit beside the key: integers for tokens, requests, images, characters and
 * seconds; exact decimal strings for money (`amount`, with `currency`) and quantities.
 */
export type CounterValue = number | string | null;
export type CanonicalRecord = RecordKey & { [counter: string]: CounterValue | boolean };

/** The counters whose sum is "tokens" for drift: all input (cached included) and all output. */
export const TOKEN_COUNTERS = ['input_tokens', 'output_tokens'] as const;

const KEY_SET: ReadonlySet<string> = new Set(KEY_FIELDS);

export function isKeyField(name: string): name is KeyField {
  return KEY_SET.has(name);
}

/** A string that identifies a record's key; equal keys give equal strings. */
export function recordKeyString(record: RecordKey): string {
  return JSON.stringify(KEY_FIELDS.map((field) => record[field]));
}

function compareValues(a: string | boolean | null, b: string | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Key fields in KEY_FIELDS order; null before any value, booleans compared as their text. */
export function compareRecordKeys(a: RecordKey, b: RecordKey): number {
  for (const field of KEY_FIELDS) {
    const order = compareValues(a[field], b[field]);
    if (order !== 0) return order;
  }
  return 0;
}

/** A sorted copy; the sort is stable, so records with equal keys keep their order. */
export function sortRecords<T extends RecordKey>(records: readonly T[]): T[] {
  return [...records].sort(compareRecordKeys);
}

/** Tokens of one record: input (all of it) plus output; 0 for records without tokens. */
export function recordTokens(record: CanonicalRecord): number {
  let total = 0;
  for (const counter of TOKEN_COUNTERS) {
    const value = record[counter];
    if (typeof value === 'number') total += value;
  }
  return total;
}
