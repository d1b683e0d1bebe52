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
});
