// Query strings in, validated queries out. Invalid input becomes a QueryError naming the
// offending parameter, which the server answers as a 400 the way OpenAI does.

import {
  BUCKET_SECONDS,
  COSTS_GROUP_BY,
  COSTS_LIMIT,
  USAGE_LIMITS,
  type BucketWidth,
  type CostsDimension,
  type Dimension,
  type UsageEndpointSpec,
} from './endpoints.js';

/** Parameters by name; `name[]` and repeated `name` both collect under `name`. */
export type RawQuery = ReadonlyMap<string, readonly string[]>;

export class QueryError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
  ) {
    super(message);
  }
}

export interface FieldFilter {
  field: Dimension;
  values: ReadonlySet<string>;
}

interface CommonQuery {
  start: number;
  end: number;
  /** Bucket width in seconds. */
  width: number;
  limit: number;
  page: string | undefined;
  filters: readonly FieldFilter[];
}

export interface UsageQuery extends CommonQuery {
  kind: 'usage';
  spec: UsageEndpointSpec;
  groupBy: readonly Dimension[];
  batch: boolean | undefined;
}

export interface CostsQuery extends CommonQuery {
  kind: 'costs';
  groupBy: readonly CostsDimension[];
}

/** The project and API key filters that the costs endpoint and the usage truth take. */
export function idFilters(ids: { project_ids?: readonly string[]; api_key_ids?: readonly string[] }): FieldFilter[] {
  const filters: FieldFilter[] = [];
  if (ids.project_ids) filters.push({ field: 'project_id', values: new Set(ids.project_ids) });
  if (ids.api_key_ids) filters.push({ field: 'api_key_id', values: new Set(ids.api_key_ids) });
  return filters;
}

export function readRawQuery(params: URLSearchParams): RawQuery {
  const raw = new Map<string, string[]>();
  for (const [rawName, value] of params) {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    const values = raw.get(name);
    if (values) values.push(value);
    else raw.set(name, [value]);
  }
  return raw;
}

/** The request log's form: one value as a string, several as an array. */
export function loggedQuery(raw: RawQuery): Record<string, string | string[]> {
  const logged: Record<string, string | string[]> = {};
  for (const [name, values] of raw) logged[name] = values.length === 1 ? (values[0] ?? '') : [...values];
  return logged;
}

/** Identifies a query: its path plus every parameter except those named in `omit`. */
export function queryIdentity(path: string, raw: RawQuery, omit: readonly string[] = []): string {
  const entries = [...raw.entries()]
    .filter(([name]) => !omit.includes(name))
    .map(([name, values]) => [name, [...values].sort()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${path}?${JSON.stringify(entries)}`;
}

function single(raw: RawQuery, name: string): string | undefined {
  const values = raw.get(name);
  if (!values) return undefined;
  if (values.length !== 1) throw new QueryError(`'${name}' must be given at most once.`, name);
  return values[0];
}

function integer(raw: RawQuery, name: string): number | undefined {
  const text = single(raw, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new QueryError(`Invalid value for '${name}': expected an integer, got '${text}'.`, name);
  }
  return value;
}

function list<T extends string>(raw: RawQuery, name: string, allowed?: readonly T[]): T[] | undefined {
  const values = raw.get(name);
  if (!values) return undefined;
  for (const value of values) {
    if (value === '' || (allowed && !allowed.includes(value as T))) {
      const expected = allowed ? `; supported values are ${allowed.join(', ')}` : '';
      throw new QueryError(`Invalid value for '${name}': '${value}'${expected}.`, name);
    }
  }
  return [...new Set(values)] as T[];
}

function timeRange(raw: RawQuery, nowSeconds: number): { start: number; end: number } {
  const start = integer(raw, 'start_time');
  if (start === undefined) throw new QueryError("Missing required parameter: 'start_time'.", 'start_time');
  if (start < 0) throw new QueryError("'start_time' must not be negative.", 'start_time');
  const end = integer(raw, 'end_time') ?? nowSeconds;
  if (end <= start) throw new QueryError("'end_time' must be later than 'start_time'.", 'end_time');
  return { start, end };
}

function limitOf(raw: RawQuery, bounds: { default: number; max: number }, width: string): number {
  const limit = integer(raw, 'limit') ?? bounds.default;
  if (limit < 1 || limit > bounds.max) {
    throw new QueryError(`Invalid value for 'limit': must be between 1 and ${bounds.max} for bucket_width=${width}.`, 'limit');
  }
  return limit;
}

function page(raw: RawQuery): string | undefined {
  const cursor = single(raw, 'page');
  if (cursor === '') throw new QueryError("Invalid value for 'page': empty cursor.", 'page');
  return cursor;
}

export function parseUsageQuery(spec: UsageEndpointSpec, raw: RawQuery, nowSeconds: number): UsageQuery {
  const { start, end } = timeRange(raw, nowSeconds);
  const widthName = single(raw, 'bucket_width') ?? '1d';
  if (!Object.hasOwn(BUCKET_SECONDS, widthName)) {
    throw new QueryError(`Invalid value for 'bucket_width': '${widthName}'; supported values are 1m, 1h, 1d.`, 'bucket_width');
  }
  const width = widthName as BucketWidth;
  const filters: FieldFilter[] = [];
  for (const filter of spec.filters) {
    const values = list(raw, filter.param, filter.allowed);
    if (values) filters.push({ field: filter.field, values: new Set(values) });
  }
  let batch: boolean | undefined;
  // Only completions, the one endpoint that groups by batch, takes `batch=true|false`.
  if (spec.dimensions.includes('batch')) {
    const text = single(raw, 'batch');
    if (text !== undefined && text !== 'true' && text !== 'false') {
      throw new QueryError(`Invalid value for 'batch': expected true or false, got '${text}'.`, 'batch');
    }
    batch = text === undefined ? undefined : text === 'true';
  }
  return {
    kind: 'usage',
    spec,
    start,
    end,
    width: BUCKET_SECONDS[width],
    limit: limitOf(raw, USAGE_LIMITS[width], width),
    page: page(raw),
    groupBy: list(raw, 'group_by', spec.dimensions) ?? [],
    filters,
    batch,
  };
}

export function parseCostsQuery(raw: RawQuery, nowSeconds: number): CostsQuery {
  const { start, end } = timeRange(raw, nowSeconds);
  const width = single(raw, 'bucket_width') ?? '1d';
  if (width !== '1d') {
    throw new QueryError(`Invalid value for 'bucket_width': '${width}'; costs support only 1d.`, 'bucket_width');
  }
  const filters = idFilters({ project_ids: list(raw, 'project_ids'), api_key_ids: list(raw, 'api_key_ids') });
  return {
    kind: 'costs',
    start,
    end,
    width: BUCKET_SECONDS['1d'],
    limit: limitOf(raw, COSTS_LIMIT, width),
    page: page(raw),
    groupBy: list(raw, 'group_by', COSTS_GROUP_BY) ?? [],
    filters,
  };
}
