import { describe, expect, it } from 'vitest';
import { compareRecordKeys, KEY_FIELDS, type RecordKey, sortRecords } from '../../src/core/records.js';
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
});
