import { describe, expect, it } from 'vitest';
import { canonicalJson, ExactNumber, parseJsonExact } from '../../src/core/json.js';
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

describe('canonicalJson', () => {
  it('sorts keys at every depth, indents by two and ends with a newline', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x', e: [], f: {} })).toBe(
      '{\n  "a": "x",\n  "b": [\n    1,\n    {\n      "c": null,\n      "d": 1\n    }\n  ],\n  "e": [],\n  "f": {}\n}\n',
    );
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
