// What changed between two versions of a window's records: added, removed and changed
// records, with counter deltas (integers for counts, exact decimals for money).

import { subtractDecimals, isDecimalString } from './decimal.js';
import { type CanonicalRecord, type CounterValue, KEY_FIELDS, type RecordKey, TOKEN_COUNTERS, isKeyField, recordKeyString } from './records.js';

export interface RecordChange {
  key: RecordKey;
  before: Record<string, CounterValue | boolean>;
  after: Record<string, CounterValue | boolean>;
  deltas: Record<string, number | string>;
}

export interface RecordDiff {
  added: CanonicalRecord[];
  removed: CanonicalRecord[];
  changed: RecordChange[];
}

function keyOf(record: CanonicalRecord): RecordKey {
  const key = {} as Record<string, unknown>;
  for (const field of KEY_FIELDS) key[field] = record[field];
  return key as unknown as RecordKey;
}

function countersOf(record: CanonicalRecord): Record<string, CounterValue | boolean> {
  const counters: Record<string, CounterValue | boolean> = {};
  for (const [field, value] of Object.entries(record)) if (!isKeyField(field)) counters[field] = value;
  return counters;
}

function delta(before: CounterValue | boolean | undefined, after: CounterValue | boolean | undefined): number | string | undefined {
  if (before === after) return undefined;
  if (typeof before === 'number' || typeof after === 'number') {
    return (typeof after === 'number' ? after : 0) - (typeof before === 'number' ? before : 0);
  }
  if (typeof before === 'string' && typeof after === 'string' && isDecimalString(before) && isDecimalString(after)) {
    return subtractDecimals(after, before);
  }
  return undefined;
}

export function diffRecords(before: readonly CanonicalRecord[], after: readonly CanonicalRecord[]): RecordDiff {
  const previous = new Map(before.map((record) => [recordKeyString(record), record]));
  const added: CanonicalRecord[] = [];
  const changed: RecordChange[] = [];
  for (const record of after) {
    const key = recordKeyString(record);
    const old = previous.get(key);
    previous.delete(key);
    if (!old) {
      added.push(record);
      continue;
    }
    const oldCounters = countersOf(old);
    const newCounters = countersOf(record);
    const names = new Set([...Object.keys(oldCounters), ...Object.keys(newCounters)]);
    const deltas: Record<string, number | string> = {};
    let differs = false;
    for (const name of [...names].sort()) {
      if (oldCounters[name] === newCounters[name]) continue;
      differs = true;
      const change = delta(oldCounters[name], newCounters[name]);
      if (change !== undefined) deltas[name] = change;
    }
    if (differs) changed.push({ key: keyOf(record), before: oldCounters, after: newCounters, deltas });
  }
  return { added, removed: [...previous.values()], changed };
}

function tokensOf(values: Record<string, unknown>): number {
  let total = 0;
  for (const name of TOKEN_COUNTERS) if (typeof values[name] === 'number') total += values[name] as number;
  return total;
}

/** The record whose tokens moved most in a diff, added and removed records included. */
export function largestTokenChange(diff: RecordDiff): { key: RecordKey; token_delta: number } | undefined {
  let best: { key: RecordKey; token_delta: number } | undefined;
  const consider = (key: RecordKey, delta: number): void => {
    if (delta !== 0 && (!best || Math.abs(delta) > Math.abs(best.token_delta))) best = { key, token_delta: delta };
  };
  for (const record of diff.added) consider(record, tokensOf(record));
  for (const record of diff.removed) consider(record, -tokensOf(record));
  for (const change of diff.changed) consider(change.key, tokensOf(change.deltas));
  return best;
}
