import { describe, expect, it } from 'vitest';
import { compareRecordKeys, KEY_FIELDS, type RecordKey, sortRecords } from '../../src/domain/records.js';

function record(fields: Partial<Record<(typeof KEY_FIELDS)[number], string | boolean | null>>, id: number): RecordKey & { id: number } {
  const key = Object.fromEntries(KEY_FIELDS.map((field) => [field, fields[field] ?? null]));
  return { ...(key as unknown as RecordKey), id };
}

describe('sortRecords', () => {
  it('orders by each key field in turn, null first, strings by code unit', () => {
    const records = [
      record({ provider: 'openai', endpoint: 'embeddings' }, 0),
      record({ provider: 'openai', endpoint: 'completions', model: 'gpt-b' }, 1),
      record({ provider: 'openai', endpoint: 'completions', model: 'B' }, 2),
      record({ provider: 'openai', endpoint: 'completions' }, 3),
      record({ provider: 'openai', endpoint: 'completions', model: 'gpt-b', batch: true }, 4),
      record({ provider: 'openai', endpoint: 'completions', model: 'gpt-b', batch: false }, 5),
    ];
    expect(sortRecords(records).map((item) => item.id)).toEqual([3, 2, 1, 5, 4, 0]);
  });

  it('keeps records with equal keys in the order they came, and leaves its input alone', () => {
    const records = [record({ model: 'b' }, 0), record({ model: 'a' }, 1), record({ model: 'b' }, 2), record({ model: 'a' }, 3)];
    expect(sortRecords(records).map((item) => item.id)).toEqual([1, 3, 0, 2]);
    expect(records.map((item) => item.id)).toEqual([0, 1, 2, 3]);
    expect(compareRecordKeys(records[0] as RecordKey, records[2] as RecordKey)).toBe(0);
  });
});
