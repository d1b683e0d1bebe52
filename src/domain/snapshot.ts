// Builds the snapshot of one provider and one UTC day from its canonical records. Pure:
// the same records always give the same object, and so the same bytes on disk.

import { dayWindow } from './dates.js';
import { addDecimals } from './decimal.js';
import { type CanonicalRecord, isKeyField, recordTokens, sortRecords } from './records.js';
import type { DataOrigin } from './usage-source.js';

export interface SnapshotTotals {
  /** input_tokens + output_tokens over every usage record. */
  tokens: number;
  records: number;
  /** Per endpoint, the sum of every integer counter, and the record count. */
  by_endpoint: Record<string, Record<string, number>>;
  /** Currency to exact decimal amount. */
  cost: Record<string, string>;
}

export interface Snapshot {
  schema_version: 1;
  provider: string;
  date: string;
  window_start: string;
  window_end: string;
  origin: DataOrigin;
  query: { endpoints: string[]; group_by: Record<string, string[]> };
  totals: SnapshotTotals;
  records: CanonicalRecord[];
}

export interface SnapshotInput {
  provider: string;
  date: string;
  origin: DataOrigin;
  endpoints: readonly string[];
  groupBy: Readonly<Record<string, readonly string[]>>;
  records: readonly CanonicalRecord[];
}

/** Money and quantity fields: exact decimals, summed separately from integer counters. */
const NON_COUNTER_FIELDS = new Set(['amount', 'currency', 'quantity', 'quantity_unit']);

export function computeTotals(records: readonly CanonicalRecord[]): SnapshotTotals {
  const byEndpoint: Record<string, Record<string, number>> = {};
  const amounts = new Map<string, string[]>();
  let tokens = 0;
  for (const record of records) {
    tokens += recordTokens(record);
    const sums = (byEndpoint[record.endpoint] ??= { records: 0 });
    sums.records = (sums.records ?? 0) + 1;
    for (const field of Object.keys(record)) {
      if (isKeyField(field) || NON_COUNTER_FIELDS.has(field)) continue;
      const value = record[field];
      if (typeof value === 'number') sums[field] = (sums[field] ?? 0) + value;
    }
    if (typeof record.amount === 'string' && typeof record.currency === 'string') {
      const list = amounts.get(record.currency) ?? [];
      list.push(record.amount);
      amounts.set(record.currency, list);
    }
  }
  const cost: Record<string, string> = {};
  for (const [currency, list] of amounts) cost[currency] = addDecimals(list);
  return { tokens, records: records.length, by_endpoint: byEndpoint, cost };
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const records = sortRecords(input.records);
  const groupBy: Record<string, string[]> = {};
  for (const endpoint of input.endpoints) groupBy[endpoint] = [...(input.groupBy[endpoint] ?? [])];
  return {
    schema_version: 1,
    provider: input.provider,
    date: input.date,
    ...dayWindow(input.date),
    origin: input.origin,
    query: { endpoints: [...input.endpoints], group_by: groupBy },
    totals: computeTotals(records),
    records,
  };
}
