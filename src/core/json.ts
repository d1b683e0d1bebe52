// JSON in and out of the ledger.
//
// Provider pages are parsed so that no number loses precision: integers that fit in a
// double stay numbers, every other number keeps its exact literal as an ExactNumber, and
// serializing writes that literal back unchanged. Canonical JSON (sorted keys, two-space
// indentation, a newline at the end) makes an unchanged day byte-identical on disk.

import { jsonNumberToDecimal } from './decimal.js';

/** A JSON number kept as the literal the sender wrote, so money and fractions stay exact. */
export class ExactNumber {
  readonly literal: string;
  constructor(literal: string) {
    this.literal = literal;
  }
  /** The value as a plain decimal string ("1e-7" becomes "0.0000001"). */
  toDecimal(): string {
    return jsonNumberToDecimal(this.literal);
  }
  toJSON(): string {
    return this.literal;
  }
}

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ExactNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

interface ReviverContext {
  source?: string;
}

/**
 * Parses JSON text; numbers that are not safe integers become ExactNumber with their
 * source literal (Node's JSON.parse hands the reviver the source text of each primitive).
 */
export function parseJsonExact(text: string): JsonValue {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === 'number') {
      const literal = context?.source ?? String(value);
      if (/^-?\d+$/.test(literal) && Number.isSafeInteger(value)) return value;
      return new ExactNumber(literal);
    }
    return value;
  }) as JsonValue;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, indent: string, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (value instanceof ExactNumber) {
    out.push(value.literal);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot serialize non-finite number ${value}`);
    out.push(JSON.stringify(value));
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const inner = `${indent}  `;
    out.push('[\n');
    value.forEach((item, index) => {
      out.push(inner);
      write(item, inner, out);
      out.push(index === value.length - 1 ? '\n' : ',\n');
    });
    out.push(`${indent}]`);
  } else if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort(compareKeys);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const inner = `${indent}  `;
    out.push('{\n');
    keys.forEach((key, index) => {
      out.push(`${inner}${JSON.stringify(key)}: `);
      write((value as Record<string, unknown>)[key], inner, out);
      out.push(index === keys.length - 1 ? '\n' : ',\n');
    });
    out.push(`${indent}}`);
  } else {
    throw new Error(`cannot serialize a ${typeof value}`);
  }
}

/** Canonical JSON text: sorted keys, two-space indentation, newline at the end. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  out.push('\n');
  return out.join('');
}
