import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes, canonicalJsonBytesAround, canonicalJsonBytesByElement, ExactNumber, parseJsonExact } from '../../src/core/json.js';
import { addDecimals, centsToDollars, compareDecimals, jsonNumberToDecimal, subtractDecimals } from '../../src/core/decimal.js';

describe('parseJsonExact', () => {
  it('keeps safe integers as numbers and every other number as its literal', () => {
    const value = parseJsonExact('{"a": 12, "b": 0.1, "c": 1e-7, "d": 9007199254740993, "e": 2.50}') as Record<string, unknown>;
    expect(value.a).toBe(12);
    expect(value.b).toBeInstanceOf(ExactNumber);
    expect((value.b as ExactNumber).toDecimal()).toBe('0.1');
    expect((value.c as ExactNumber).toDecimal()).toBe('0.0000001');
    expect((value.d as ExactNumber).literal).toBe('9007199254740993');
    expect((value.e as ExactNumber).literal).toBe('2.50');
  });

  it('writes exact numbers back as they were received', () => {
    const text = '{"amount":{"value":0.30000000000000004441,"currency":"usd"}}';
    expect(canonicalJson(parseJsonExact(text))).toBe(
      '{\n  "amount": {\n    "currency": "usd",\n    "value": 0.30000000000000004441\n  }\n}\n',
    );
  });
});

/** The parse parseJsonExact had before it marked literals: the values it must keep giving. */
function referenceParse(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value !== 'number') return value;
    const literal = context?.source ?? String(value);
    return /^-?\d+$/.test(literal) && Number.isSafeInteger(value) ? value : new ExactNumber(literal);
  });
}

describe('parseJsonExact without a reviver', () => {
  const texts = [
    '{"a":1,"b":[1,2,3],"c":"x"}',
    '{"a":-0,"b":9007199254740991,"c":9007199254740992,"d":12345678901234567890,"e":1000000000000000}',
    '[0.5,-1.25e-3,1E+2,2.50,"0.5",{"x":"1.5","y":1.5}]',
    '1.5',
    '"\\\\u0000 is not an escape here"',
    '{"s":"\\u0000 1.5","n":1.5}',
    '{"__proto__":1.5,"o":{"__proto__":{"v":2.5}}}',
    '{"k\\"1.5":[true,false,null,0.1]}',
  ];
  for (const text of texts) {
    it(`reads ${text} as the reviver did`, () => {
      expect(canonicalJson(parseJsonExact(text))).toBe(canonicalJson(referenceParse(text)));
    });
  }

  it('reads random documents, with escapes and numbers inside strings, as the reviver did', () => {
    const strings = ['', 'a\\"b', '\\', 'x\\', '"1.5"', '\\"', 'tab\t', '\u0001 2.5', 'é 0.1', '\\u0000'];
    for (let seed = 1; seed <= 2000; seed += 1) {
      const { value, next } = generator(seed);
      const document = { v: value(0), s: strings[Math.floor(next() * strings.length)], n: [0.1, 2, -3.5e-7][Math.floor(next() * 3)] };
      for (const text of [canonicalJson(document), JSON.stringify(parseJsonExact(canonicalJson(document)), (_key, item: unknown) => (item instanceof ExactNumber ? Number(item.literal) : item))]) {
        expect(canonicalJson(parseJsonExact(text)), `seed ${seed}: ${text}`).toBe(canonicalJson(referenceParse(text)));
      }
    }
  });

  it('keeps "__proto__" an ordinary key', () => {
    const value = parseJsonExact('{"__proto__":1.5}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(value.__proto__).toBeInstanceOf(ExactNumber);
  });

  it('refuses what is not JSON, numbers where keys belong included', () => {
    for (const text of ['{1.5:2}', '[01]', '[1.]', '[-]', '[.5]', '[1.5 2]', '{"a":1.5,}', '[1e]', '']) {
      expect(() => parseJsonExact(text), text).toThrow(SyntaxError);
    }
  });
});

/** The writer canonicalJson had before it used JSON.stringify: the bytes it must keep. */
function referenceCanonicalJson(value: unknown): string {
  const out: string[] = [];
  const write = (item: unknown, indent: string): void => {
    if (item === null || item === undefined) out.push('null');
    else if (item instanceof ExactNumber) out.push(item.literal);
    else if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw new Error(`cannot serialize non-finite number ${item}`);
      out.push(JSON.stringify(item));
    } else if (typeof item === 'string' || typeof item === 'boolean') out.push(JSON.stringify(item));
    else if (Array.isArray(item)) {
      if (item.length === 0) return void out.push('[]');
      const inner = `${indent}  `;
      out.push('[\n');
      item.forEach((element, index) => {
        out.push(inner);
        write(element, inner);
        out.push(index === item.length - 1 ? '\n' : ',\n');
      });
      out.push(`${indent}]`);
    } else if (typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (keys.length === 0) return void out.push('{}');
      const inner = `${indent}  `;
      out.push('{\n');
      keys.forEach((key, index) => {
        out.push(`${inner}${JSON.stringify(key)}: `);
        write(record[key], inner);
        out.push(index === keys.length - 1 ? '\n' : ',\n');
      });
      out.push(`${indent}}`);
    } else throw new Error(`cannot serialize a ${typeof item}`);
  };
  write(value, '');
  out.push('\n');
  return out.join('');
}

/** An object whose toJSON the canonical writer has never used. */
class Boxed {
  z = 1;
  a = [new ExactNumber('3.0')];
  toJSON(): string {
    return 'ignored';
  }
}

/** Small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const KEYS = ['a', 'b', 'B', 'z', 'amount', 'value', '_x', 'é', 'ü', '\u00e9a', 'a"b', 'line\nbreak', '', ' ', '-1', '1.5', 'x1', 'Z9', '__proto__', 'toJSON', 'records', 'window_start'];
  const STRINGS = ['', 'usd', 'quote"inside', 'back\\slash', 'tab\there', '\u0001', 'ünï', '\ud83d\ude00', 'line\nbreak', '2026-11-01T00:00:00Z'];
  const LITERALS = ['0.1', '1e-7', '2.50', '-0.000', '9007199254740993', '1.5E+3', '0.30000000000000004441', '-12.75'];
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 6 : 10));
    switch (kind) {
      case 0: return null;
      case 1: return next() < 0.5;
      case 2: return pick([0, -0, 1, -1, 42, 1.5, -2.25, 1e21, 1e-7, 123456789, Number.MAX_SAFE_INTEGER]);
      case 3: return pick(STRINGS);
      case 4: return new ExactNumber(pick(LITERALS));
      case 5: return undefined;
      case 6: return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      case 7: return new Date(Date.UTC(2026, 0, 1 + Math.floor(next() * 300)));
      default: {
        const object: Record<string, unknown> = {};
        const count = Math.floor(next() * 6);
        for (let index = 0; index < count; index += 1) Object.defineProperty(object, pick(KEYS), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        return object;
      }
    }
  };
  return { value, next };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, indents by two and ends with a newline', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x', e: [], f: {} })).toBe(
      '{\n  "a": "x",\n  "b": [\n    1,\n    {\n      "c": null,\n      "d": 1\n    }\n  ],\n  "e": [],\n  "f": {}\n}\n',
    );
  });

  it('writes the same bytes as the reference writer for random nested values', () => {
    for (let seed = 1; seed <= 3000; seed += 1) {
      const value = generator(seed).value(0);
      expect(canonicalJson(value), `seed ${seed}`).toBe(referenceCanonicalJson(value));
      expect(Buffer.concat(canonicalJsonBytes(value)).toString('utf8'), `seed ${seed}`).toBe(canonicalJson(value));
    }
  });

  it('writes a long array member element by element with the same bytes', () => {
    for (let seed = 1; seed <= 1000; seed += 1) {
      const { value, next } = generator(seed);
      const document: Record<string, unknown> = { command: value(1), runs: Array.from({ length: Math.floor(next() * 5) }, () => value(1)), z: value(1) };
      if (seed % 3 === 0) document.findings = [{ message: '\n  "runs": []' }];
      if (seed % 5 === 0) document['10'] = 'an index key';
      const joined = Buffer.concat(canonicalJsonBytesByElement(document, 'runs')).toString('utf8');
      expect(joined, `seed ${seed}`).toBe(canonicalJson(document));
    }
    // Thousands of elements: the text is cut into several pieces, and joins up the same.
    const { value } = generator(7);
    const long = { runs: Array.from({ length: 5000 }, (_, index) => ({ index, value: value(1), name: `run-${index}-é` })), tool: 'x' };
    const pieces = canonicalJsonBytesByElement(long, 'runs');
    expect(pieces.length).toBeGreaterThan(10);
    expect(Buffer.concat(pieces).toString('utf8')).toBe(canonicalJson(long));
  });

  it('writes elements given as bytes verbatim, and canonical JSON around them', () => {
    for (let seed = 1; seed <= 1000; seed += 1) {
      const { value, next } = generator(seed);
      const elements = Array.from({ length: Math.floor(next() * 4) }, () => value(1));
      const about: Record<string, unknown> = { date: value(1), request: value(1), schema_version: 1 };
      // Canonical elements give exactly the canonical document: the frame is right.
      const canonical = elements.map((element) => Buffer.from(canonicalJson(element).trimEnd().replaceAll('\n', '\n    ')));
      expect(Buffer.concat(canonicalJsonBytesAround(about, 'buckets', canonical)).toString('utf8'), `seed ${seed}`).toBe(
        canonicalJson({ ...about, buckets: elements }),
      );
      // Compact elements stay compact, byte for byte, and the document reads back the same.
      const compact = elements.map((element) => Buffer.from(JSON.stringify(element) ?? 'null'));
      const text = Buffer.concat(canonicalJsonBytesAround(about, 'buckets', compact)).toString('utf8');
      for (const element of compact) expect(text).toContain(element.toString('utf8'));
      const expected = { ...(parseJsonExact(canonicalJson(about)) as object), buckets: parseJsonExact(`[${compact.join(',')}]`) };
      expect(canonicalJson(parseJsonExact(text)), `seed ${seed}`).toBe(canonicalJson(expected));
    }
  });

  it('keeps the reference bytes for array-index keys, toJSON objects and parsed pages', () => {
    const cases: unknown[] = [
      { 10: 'ten', 9: 'nine', a: 1, '-1': 2 },
      { nested: [{ 2: true, 1: false }], b: new ExactNumber('1.10') },
      { when: new Date(0), boxed: new Boxed(), number: Object(5), word: Object('ab') },
      parseJsonExact('{"__proto__": {"b": 1, "a": 0.5}, "data": [{"z": 1e-7, "a": [], "m": {}}]}'),
      new ExactNumber('0.1'),
      undefined,
      [undefined, null, 'x'],
    ];
    for (const value of cases) expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/cannot serialize a function/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/cannot serialize a bigint/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
  });

  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('decimal arithmetic', () => {
  it('adds without binary rounding', () => {
    expect(addDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(addDecimals(['1.005', '-0.005', '2'])).toBe('3.000');
    expect(addDecimals([])).toBe('0');
  });

  it('subtracts and compares by value', () => {
    expect(subtractDecimals('1.10', '1.2')).toBe('-0.10');
    expect(compareDecimals('1.10', '1.1')).toBe(0);
    expect(compareDecimals('0.09', '0.1')).toBe(-1);
  });

  it('converts exponent literals and cents exactly', () => {
    expect(jsonNumberToDecimal('1.5E+3')).toBe('1500');
    expect(jsonNumberToDecimal('-2.5e-3')).toBe('-0.0025');
    expect(centsToDollars('123.5')).toBe('1.235');
    expect(centsToDollars('7')).toBe('0.07');
  });
});
