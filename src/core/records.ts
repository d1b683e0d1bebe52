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
  // Key fields are nearly always strings: compare them without converting.
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : 1;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function compareRecordKeys(a: RecordKey, b: RecordKey): number {
  for (const field of KEY_FIELDS) {
    const order = compareValues(a[field], b[field]);
    if (order !== 0) return order;
  }
  return 0;
}

/** True when `records` is already in key order, so sorting it again can be skipped. */
function isSorted(records: readonly RecordKey[]): boolean {
  for (let index = 1; index < records.length; index += 1) {
    if (compareRecordKeys(records[index - 1] as RecordKey, records[index] as RecordKey) > 0) return false;
  }
  return true;
}

/**
 * The records cut into runs of one provider and endpoint, the runs in key order; undefined
 * when some provider and endpoint has records in more than one run.
 */
function endpointRuns<T extends RecordKey>(records: readonly T[]): T[][] | undefined {
  const runs: T[][] = [];
  const seen = new Set<string>();
  let current: T[] = [];
  for (const record of records) {
    const first = current[0];
    if (first === undefined || first.provider !== record.provider || first.endpoint !== record.endpoint) {
      const name = `${String(record.provider)}\u0000${String(record.endpoint)}`;
      if (seen.has(name)) return undefined;
      seen.add(name);
      current = [];
      runs.push(current);
    }
    current.push(record);
  }
  return runs.sort((a, b) => {
    const left = a[0] as T;
    const right = b[0] as T;
    return compareValues(left.provider, right.provider) || compareValues(left.endpoint, right.endpoint);
  });
}

export function sortRecords<T extends RecordKey>(records: readonly T[]): T[] {
  // Sorting is stable, so records already in order (as a provider's days arrive) keep it.
  if (isSorted(records)) return [...records];
  // A day's records come endpoint by endpoint: each endpoint's run is sorted on its own
  // (fewer values to rank in each field, and a run already in order costs one pass), then the
  // runs are put in order. Stable, so the same order as sorting all of them at once.
  const runs = endpointRuns(records);
  if (runs !== undefined && runs.length > 1) return runs.flatMap((run) => sortRun(run));
  return sortRun(records);
}

function sortRun<T extends RecordKey>(records: readonly T[]): T[] {
  if (isSorted(records)) return [...records];
  const order = rankedOrder(records);
  // Too varied to rank (thousands of distinct values in several fields): compare fields.
  if (order === undefined) return [...records].sort(compareRecordKeys);
  const sorted = new Array<T>(records.length);
  for (let index = 0; index < order.length; index += 1) sorted[index] = records[order[index] as number] as T;
  return sorted;
}

/**
 * The stable order of `records` by compareRecordKeys, from numbers instead of strings: a
 * day has few distinct values per field (its projects, keys, users, models), so each
 * value is replaced by its rank among them, the ranks make one number per record, and
 * with the record's index folded in a plain numeric sort orders them. Undefined when the
 * numbers would not stay exact.
 */
export function rankedOrder(records: readonly RecordKey[]): number[] | undefined {
  const count = records.length;
  const composite = new Float64Array(count);
  let span = 1;
  for (const field of KEY_FIELDS) {
    const ranks = fieldRanks(records, field);
    if (ranks === undefined) continue;
    span *= ranks.size;
    if (span * count > Number.MAX_SAFE_INTEGER) return undefined;
    for (let index = 0; index < count; index += 1) {
      composite[index] = (composite[index] as number) * ranks.size + (ranks.of.get((records[index] as RecordKey)[field]) as number);
    }
  }
  // The index in the lowest place: equal keys keep their order, and it is read back out.
  for (let index = 0; index < count; index += 1) composite[index] = (composite[index] as number) * count + index;
  composite.sort();
  const order = new Array<number>(count);
  for (let index = 0; index < count; index += 1) order[index] = (composite[index] as number) % count;
  return order;
}

/** Each value of `field` and its rank by compareValues (values it calls equal share one); undefined when all records have one value. */
function fieldRanks(records: readonly RecordKey[], field: KeyField): { of: Map<string | boolean | null, number>; size: number } | undefined {
  const of = new Map<string | boolean | null, number>();
  for (const record of records) of.set(record[field], 0);
  if (of.size <= 1) return undefined;
  const values = [...of.keys()].sort(compareValues);
  let rank = 0;
  values.forEach((value, index) => {
    if (index > 0 && compareValues(values[index - 1] as string | boolean | null, value) !== 0) rank += 1;
    of.set(value, rank);
  });
  return { of, size: rank + 1 };
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
