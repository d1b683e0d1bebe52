import { describe, expect, it } from 'vitest';
import { keysHavePlainIntegers } from '../../src/core/json-number-literals.js';

const TIMES = ['start_time', 'end_time'];

describe('keysHavePlainIntegers', () => {
  it('accepts plain integers under the keys, at any depth and with JSON spacing', () => {
    expect(keysHavePlainIntegers('{"start_time":1700000000,"end_time":-5}', TIMES)).toBe(true);
    expect(keysHavePlainIntegers('{"a":{"start_time" :\n\t 12 },"b":[{"end_time": 0}]}', TIMES)).toBe(true);
    // Other keys may hold any number.
    expect(keysHavePlainIntegers('{"start_time":1,"value":1.5e-7,"quantity":1.0}', TIMES)).toBe(true);
    expect(keysHavePlainIntegers('{"value":0.5}', TIMES)).toBe(true);
  });

  it('refuses a fraction, an exponent or anything else under the keys', () => {
    for (const literal of ['1.0', '1e3', '1E3', '0.5', '17e8', '"1"', 'null', 'true', '{}', '[1]', '']) {
      expect(keysHavePlainIntegers(`{"start_time":${literal},"end_time":2}`, TIMES), literal).toBe(false);
      expect(keysHavePlainIntegers(`{"x":[{"end_time":${literal}}]}`, TIMES), literal).toBe(false);
    }
  });

  it('does not take a name inside a string for a key', () => {
    expect(keysHavePlainIntegers('{"line_item":"\\"start_time\\":1.5","start_time":3}', TIMES)).toBe(true);
    expect(keysHavePlainIntegers('{"line_item":"start_time","n":1.5}', TIMES)).toBe(true);
  });

  it('refuses any \\u escape, since a key can be spelt with one', () => {
    expect(keysHavePlainIntegers('{"start\\u005ftime":1.0}', TIMES)).toBe(false);
    expect(keysHavePlainIntegers('{"line_item":"caf\\u00e9","start_time":1}', TIMES)).toBe(false);
  });

  it('matches whole key names only', () => {
    expect(keysHavePlainIntegers('{"my_start_time":1.5,"start_times":2.5}', TIMES)).toBe(true);
  });

  it('refuses keys that are not plain words', () => {
    expect(() => keysHavePlainIntegers('{}', ['a|b'])).toThrow(RangeError);
  });
});
