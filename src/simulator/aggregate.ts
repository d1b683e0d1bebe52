// Buckets from events: a bucket's results are the sums of the visible events in its
// window, one result per combination of the grouped dimensions. Dimensions that are not
// grouped are null in results, as the schema says. Results keep the order in which their
// groups first appear among the events, which is fixed for a given seed and set of added
// events, so the same query gives the same bytes and pages split at stable places.
// Money is summed as integer micro-dollars (see pricing.ts).

import { ExactNumber } from '../lib/json/json.js';
import { dimensionValue, type Counter, type Dimension } from './endpoints.js';
import type { EventStore } from './event-store.js';
import { forEachCostLine, formatDollars, type QuantityUnit } from './pricing.js';
import type { CostsQuery, FieldFilter, UsageQuery } from './query.js';
import type { SimEvent } from './types.js';

export type UsageResult = Record<string, string | number | boolean | null>;

export interface CostsResult {
  object: 'organization.costs.result';
  amount: { value: ExactNumber; currency: 'usd' };
  line_item: string | null;
  project_id: string | null;
  api_key_id: string | null;
  quantity: number | null;
  quantity_unit: QuantityUnit | null;
}

/** A run of consecutive buckets: [from, from + count) by index from the query's start_time. */
export interface BucketSpan {
  from: number;
  count: number;
}

function matchesFilters(event: SimEvent, filters: readonly FieldFilter[]): boolean {
  for (const filter of filters) {
    if (!filter.values.has(String(dimensionValue(event, filter.field)))) return false;
  }
  return true;
}

/** Identifies an event's group; null is kept apart from any string a dimension can hold. */
function groupKeyOf(event: SimEvent, dimensions: readonly Dimension[]): string {
  let key = '';
  for (const dimension of dimensions) {
    const value = dimensionValue(event, dimension);
    key += value === null ? '\u0001\u0000' : `${value}\u0000`;
  }
  return key;
}

/** The event window a span covers, clipped to the query's own range. */
function spanWindow(query: { start: number; end: number; width: number }, span: BucketSpan): [number, number] {
  const low = query.start + span.from * query.width;
  return [low, Math.min(query.end, low + span.count * query.width)];
}

interface UsageGroup {
  first: SimEvent;
  sums: number[];
}

export function usageBuckets(store: EventStore, query: UsageQuery, span: BucketSpan): UsageResult[][] {
  const { spec, filters, batch } = query;
  const grouped = spec.dimensions.filter((dimension) => query.groupBy.includes(dimension));
  const counters = spec.counters;
  const groups = Array.from({ length: span.count }, () => new Map<string, UsageGroup>());
  const [low, high] = spanWindow(query, span);
  store.forEachVisible(spec.name, low, high, (event) => {
    if (filters.length > 0 && !matchesFilters(event, filters)) return;
    if (batch !== undefined && (event.batch ?? false) !== batch) return;
    const bucket = groups[Math.floor((event.timestamp - low) / query.width)];
    if (!bucket) return;
    const key = groupKeyOf(event, grouped);
    let group = bucket.get(key);
    if (!group) {
      group = { first: event, sums: counters.map(() => 0) };
      bucket.set(key, group);
    }
    for (let index = 0; index < counters.length; index += 1) {
      group.sums[index] = (group.sums[index] ?? 0) + (event[counters[index] as Counter] ?? 0);
    }
  });
  const toResult = ({ first, sums }: UsageGroup): UsageResult => {
    const result: UsageResult = { object: spec.resultObject };
    counters.forEach((counter, index) => {
      result[counter] = sums[index] ?? 0;
    });
    for (const dimension of spec.dimensions) {
      result[dimension] = grouped.includes(dimension) ? dimensionValue(first, dimension) : null;
    }
    return result;
  };
  return groups.map((bucket) => Array.from(bucket.values(), toResult));
}

interface CostsGroup {
  lineItem: string | null;
  projectId: string | null;
  apiKeyId: string | null;
  unit: QuantityUnit;
  quantity: number;
  micro: number;
}

function costsResult(group: CostsGroup): CostsResult {
  // A quantity and its unit only mean something for a single line item.
  const single = group.lineItem !== null;
  return {
    object: 'organization.costs.result',
    amount: { value: new ExactNumber(formatDollars(group.micro)), currency: 'usd' },
    line_item: group.lineItem,
    project_id: group.projectId,
    api_key_id: group.apiKeyId,
    quantity: single ? group.quantity : null,
    quantity_unit: single ? group.unit : null,
  };
}

export function costsBuckets(store: EventStore, query: CostsQuery, span: BucketSpan): CostsResult[][] {
  const byLineItem = query.groupBy.includes('line_item');
  const byProject = query.groupBy.includes('project_id');
  const byKey = query.groupBy.includes('api_key_id');
  const groups = Array.from({ length: span.count }, () => new Map<string, CostsGroup>());
  const [low, high] = spanWindow(query, span);
  store.forEachVisibleOfAll(low, high, (event) => {
    if (query.filters.length > 0 && !matchesFilters(event, query.filters)) return;
    const bucket = groups[Math.floor((event.timestamp - low) / query.width)];
    if (!bucket) return;
    const projectId = byProject ? event.project_id : null;
    // Storage belongs to no key, so grouped by key it is a null key of its own.
    const apiKeyId = byKey ? (event.api_key_id ?? null) : null;
    const eventKey = `${projectId ?? ''}\u0000${apiKeyId ?? '\u0001'}\u0000`;
    forEachCostLine(event, (lineItem, unit, quantity, micro) => {
      const key = byLineItem ? eventKey + lineItem : eventKey;
      let group = bucket.get(key);
      if (!group) {
        group = { lineItem: byLineItem ? lineItem : null, projectId, apiKeyId, unit, quantity: 0, micro: 0 };
        bucket.set(key, group);
      }
      group.quantity += quantity;
      group.micro += micro;
    });
  });
  return groups.map((bucket) => Array.from(bucket.values(), costsResult));
}

/** Exact sums of every counter an endpoint reports, over visible events in [start, end). */
export function sumCounters(
  store: EventStore,
  endpoint: UsageQuery['spec'],
  start: number,
  end: number,
  filters: readonly FieldFilter[],
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const counter of endpoint.counters) totals[counter] = 0;
  store.forEachVisible(endpoint.name, start, end, (event) => {
    if (!matchesFilters(event, filters)) return;
    for (const counter of endpoint.counters) totals[counter] = (totals[counter] ?? 0) + (event[counter as Counter] ?? 0);
  });
  return totals;
}

/**
 * Exact dollars spent over visible events in [start, end): the sum of the amounts the
 * costs endpoint reports for that range, and "0" (the empty sum) when it reports none.
 */
export function totalCost(store: EventStore, start: number, end: number): string {
  let micro = 0;
  let lines = 0;
  store.forEachVisibleOfAll(start, end, (event) => {
    forEachCostLine(event, (_lineItem, _unit, _quantity, amount) => {
      micro += amount;
      lines += 1;
    });
  });
  return lines === 0 ? '0' : formatDollars(micro);
}
