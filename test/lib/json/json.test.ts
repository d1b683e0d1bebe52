import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonAround, canonicalJsonBytes, canonicalJsonPieces, ExactNumber, jsonNumberToDecimal, parseJsonExact } from '../../../src/lib/json/json.js';
import { addDecimals, centsToDollars, compareDecimals, subtractDecimals } from '../../../src/domain/decimal.js';

describe('parseJsonExact', () => {
  it('keeps safe integers as numbers and every other number as its literal', () => {
    const value = parseJsonExact('{"a": 12, "b": 0.1, "c": 1e-7, "d": 9007199254740993, "e": 2.50, "f": -0, "g": 1E+2}') as Record<string, unknown>;
    expect(value.a).toBe(12);
    expect(value.b).toBeInstanceOf(ExactNumber);
    expect((value.b as ExactNumber).toDecimal()).toBe('0.1');
    expect((value.c as ExactNumber).toDecimal()).toBe('0.0000001');
    expect((value.d as ExactNumber).literal).toBe('9007199254740993');
    expect((value.e as ExactNumber).literal).toBe('2.50');
    expect(Object.is(value.f, -0)).toBe(true);
    expect((value.g as ExactNumber).literal).toBe('1E+2');
  });

  it('writes exact numbers back as they were received', () => {
    const text = '{"amount":{"value":0.30000000000000004441,"currency":"usd"}}';
    expect(canonicalJson(parseJsonExact(text))).toBe(
      '{\n  "amount": {\n    "currency": "usd",\n    "value": 0.30000000000000004441\n  }\n}\n',
    );
  });

  it('leaves numbers inside strings, escapes and nesting alone', () => {
    const value = parseJsonExact('{"s":"\\u0000 1.5","k\\"1.5":[true,false,null,0.1],"n":[1,[2.0]]}');
    expect(canonicalJson(value)).toBe(
      '{\n  "k\\"1.5": [\n    true,\n    false,\n    null,\n    0.1\n  ],\n  "n": [\n    1,\n    [\n      2.0\n    ]\n  ],\n  "s": "\\u0000 1.5"\n}\n',
    );
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

/** An object whose toJSON the canonical writer never uses: it writes own keys. */
class Boxed {
  z = 1;
  a = [new ExactNumber('3.0')];
  toJSON(): string {
    return 'ignored';
  }
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, indents by two and ends with a newline', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x', e: [], f: {} })).toBe(
      '{\n  "a": "x",\n  "b": [\n    1,\n    {\n      "c": null,\n      "d": 1\n    }\n  ],\n  "e": [],\n  "f": {}\n}\n',
    );
  });

  it('sorts array-index keys as strings and leaves undefined members out', () => {
    expect(canonicalJson({ 10: 'ten', 9: 'nine', a: 1, '-1': 2, gone: undefined })).toBe(
      '{\n  "-1": 2,\n  "10": "ten",\n  "9": "nine",\n  "a": 1\n}\n',
    );
    expect(canonicalJson([undefined, null, 'x'])).toBe('[\n  null,\n  null,\n  "x"\n]\n');
    expect(canonicalJson(parseJsonExact('{"__proto__":{"b":1,"a":0.5}}'))).toBe('{\n  "__proto__": {\n    "a": 0.5,\n    "b": 1\n  }\n}\n');
    expect(canonicalJson(undefined)).toBe('null\n');
  });

  it('writes strings escaped, keys by code unit and objects by their own keys', () => {
    expect(canonicalJson({ é: 'ünï', Z: 'line\nbreak', a: '\u0001', b: new ExactNumber('1.10') })).toBe(
      '{\n  "Z": "line\\nbreak",\n  "a": "\\u0001",\n  "b": 1.10,\n  "é": "ünï"\n}\n',
    );
    expect(canonicalJson({ when: new Date(0), boxed: new Boxed() })).toBe(
      '{\n  "boxed": {\n    "a": [\n      3.0\n    ],\n    "z": 1\n  },\n  "when": {}\n}\n',
    );
    expect(Buffer.from(canonicalJsonBytes({ é: 1 })).toString('utf8')).toBe('{\n  "é": 1\n}\n');
  });

  it('refuses what JSON cannot hold instead of writing null', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/cannot serialize a function/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/cannot serialize a bigint/);
  });
});

describe('canonicalJsonPieces', () => {
  it('gives canonicalJson in pieces, one per element of the long array', () => {
    const documents: Array<Record<string, unknown>> = [
      { command: 'reconcile', runs: [{ b: 1, a: [new ExactNumber('0.50')] }, undefined, 'x', []], z: { '10': 1, '9': 2 } },
      { runs: [], findings: [{ message: '\n  "runs": []' }] },
      { other: 1 },
    ];
    for (const document of documents) expect([...canonicalJsonPieces(document, 'runs')].join('')).toBe(canonicalJson(document));
    expect([...canonicalJsonPieces(documents[0] as Record<string, unknown>, 'runs')]).toHaveLength(6);
  });
});

describe('canonicalJsonAround', () => {
  const about = { schema_version: 1, date: '2026-11-01', request: { limit: 31 } };

  it('puts canonical elements where canonicalJson would', () => {
    const elements = [{ b: 1, a: [0.5] }, 'x'];
    const bytes = elements.map((element) => Buffer.from(canonicalJson(element).trimEnd().replaceAll('\n', '\n    ')));
    expect(Buffer.from(canonicalJsonAround(about, 'buckets', bytes)).toString('utf8')).toBe(canonicalJson({ ...about, buckets: elements }));
  });

  it('keeps each element byte for byte, even bytes that are not UTF-8', () => {
    const elements = [Buffer.from('{"z":1,"a":1.50}'), Buffer.from([0x22, 0xff, 0xfe, 0x22])];
    const bytes = Buffer.from(canonicalJsonAround(about, 'buckets', elements));
    const frame = canonicalJson({ ...about, buckets: [] }).split('"buckets": []');
    const expected = Buffer.concat([
      Buffer.from(`${frame[0]}"buckets": [\n    `),
      elements[0] as Buffer,
      Buffer.from(',\n    '),
      elements[1] as Buffer,
      Buffer.from(`\n  ]${frame[1]}`),
    ]);
    expect(bytes.equals(expected)).toBe(true);
    expect(Buffer.from(canonicalJsonAround(about, 'buckets', [])).toString('utf8')).toBe(canonicalJson({ ...about, buckets: [] }));
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
