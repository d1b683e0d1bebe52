import { describe, expect, it } from 'vitest';
import { compareRecordKeys, KEY_FIELDS, rankedOrder, type RecordKey, sortRecords } from '../../src/core/records.js';
import { seededRandom as random } from '../support/seeded-random.js';

const VALUES: ReadonlyArray<string | boolean | null> = [null, '', 'a', 'ab', 'a\u0001', 'b', 'B', 'é', 'true', true, false, 'proj_1', 'proj_10', 'proj_2'];

describe('sortRecords', () => {
  it('orders records exactly as compareRecordKeys with a stable sort does', () => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const pick = (): string | boolean | null => VALUES[Math.floor(next() * VALUES.length)] as string | boolean | null;
      const shared = pick();
      const records = Array.from({ length: 1 + Math.floor(next() * 40) }, (_, index) => {
        const record: Record<string, unknown> = { id: index };
        // Some fields vary, some are the same everywhere (as provider and window are in a day).
        for (const field of KEY_FIELDS) record[field] = next() < 0.3 ? shared : pick();
        if (seed % 50 === 0 && index === 0) record.model = 'nul\u0000inside';
        return record as unknown as RecordKey & { id: number };
      });
      const expected = [...records].sort(compareRecordKeys).map((record) => record.id);
      expect(sortRecords(records).map((record) => record.id), `seed ${seed}`).toEqual(expected);
    }
  });

  it('gives the same order when records arrive endpoint by endpoint, as a day is read', () => {
    const ENDPOINTS = ['completions', 'embeddings', 'costs', 'images', 'audio_speeches'];
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const pick = (): string | boolean | null => VALUES[Math.floor(next() * VALUES.length)] as string | boolean | null;
      const order = [...ENDPOINTS].sort(() => next() - 0.5).slice(0, 1 + Math.floor(next() * ENDPOINTS.length));
      const records: Array<RecordKey & { id: number }> = [];
      for (const endpoint of order) {
        const count = Math.floor(next() * 12);
        // Half the runs come already in order within themselves.
        const run: Array<Record<string, unknown>> = [];
        for (let index = 0; index < count; index += 1) {
          const record: Record<string, unknown> = { provider: 'openai', endpoint };
          for (const field of KEY_FIELDS) if (field !== 'provider' && field !== 'endpoint') record[field] = next() < 0.4 ? 'same' : pick();
          run.push(record);
        }
        if (seed % 2 === 0) run.sort((a, b) => compareRecordKeys(a as unknown as RecordKey, b as unknown as RecordKey));
        for (const record of run) records.push({ ...(record as unknown as RecordKey), id: records.length });
      }
      // Now and then an endpoint comes back after another one: not a run of its own.
      if (seed % 7 === 0 && records.length > 0) records.push({ ...(records[0] as RecordKey), model: 'again', id: records.length });
      const expected = [...records].sort(compareRecordKeys).map((record) => record.id);
      expect(sortRecords(records).map((record) => record.id), `seed ${seed}`).toEqual(expected);
    }
  });

  it('orders a day of a large organization by ranks, as the stable sort does', () => {
    // Few distinct values per field, many records: the shape of a provider's day.
    for (let seed = 1; seed <= 20; seed += 1) {
      const next = random(seed);
      const of = (prefix: string, count: number): string => `${prefix}${Math.floor(next() * count)}`;
      const records = Array.from({ length: 3_000 }, (_, id) => ({
        id,
        provider: 'openai',
        endpoint: 'completions',
        window_start: '2026-11-01T00:00:00Z',
        window_end: '2026-11-02T00:00:00Z',
        project_id: next() < 0.05 ? null : of('proj_', 13),
        api_key_id: of('key_', 97),
        user_id: next() < 0.5 ? of('user-', 41) : of('user_', 41),
        model: of('gpt-', 12),
        batch: next() < 0.1 ? null : next() < 0.5,
        service_tier: next() < 0.5 ? 'default' : 'true',
        line_item: null,
        source: null,
        size: null,
      }));
      const expected = [...records].sort(compareRecordKeys).map((record) => record.id);
      const ranked = rankedOrder(records);
      expect(ranked, `seed ${seed}`).toBeDefined();
      expect(ranked, `seed ${seed}`).toEqual(expected);
      expect(sortRecords(records).map((record) => record.id), `seed ${seed}`).toEqual(expected);
    }
  });

  it('ranks values the comparison calls equal as one, and leaves too varied a day to the comparison', () => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const pick = (): string | boolean | null => VALUES[Math.floor(next() * VALUES.length)] as string | boolean | null;
      // Two or three varying fields: always few enough to rank.
      const fields = KEY_FIELDS.filter(() => next() < 0.2).slice(0, 3);
      const records = Array.from({ length: 1 + Math.floor(next() * 60) }, (_, id) => {
        const record: Record<string, unknown> = { id };
        for (const field of KEY_FIELDS) record[field] = fields.includes(field) ? pick() : 'same';
        return record as unknown as RecordKey & { id: number };
      });
      expect(rankedOrder(records), `seed ${seed}`).toEqual([...records].sort(compareRecordKeys).map((record) => record.id));
    }
    // Thirteen fields of 3,000 distinct values each: no exact number holds the order.
    const varied = Array.from({ length: 3_000 }, (_, index) => Object.fromEntries(KEY_FIELDS.map((field) => [field, `${field}-${index}`])) as unknown as RecordKey);
    expect(rankedOrder(varied)).toBeUndefined();
    expect(sortRecords([...varied].reverse())).toEqual([...varied].sort(compareRecordKeys));
  });
});
