// JSON in and out of the ledger.
//
// Provider pages are parsed so that no number loses precision: integers that fit in a
// double stay numbers, every other number keeps its exact literal as an ExactNumber, and
// writing puts that literal back unchanged. Canonical JSON (sorted keys, two-space
// indentation, a newline at the end) makes an unchanged day byte-identical on disk.

import { encodeUtf8 } from './utf8.js';

/** Turns a JSON number literal (which may use an exponent) into a plain decimal string, exactly. */
export function jsonNumberToDecimal(literal: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) throw new Error(`not a JSON number: ${literal}`);
  const [, sign = '', intPart = '0', fracPart = '', expPart] = match;
  const exponent = expPart === undefined ? 0 : Number(expPart);
  let digits = intPart + fracPart;
  let pointAt = intPart.length + exponent;
  if (pointAt <= 0) {
    digits = '0'.repeat(1 - pointAt) + digits;
    pointAt = 1;
  } else if (pointAt > digits.length) {
    digits = digits + '0'.repeat(pointAt - digits.length);
  }
  let whole = digits.slice(0, pointAt).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(pointAt);
  if (whole === '') whole = '0';
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return sign === '-' && /[1-9]/.test(text) ? `-${text}` : text;
}

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

/** What Node's JSON.parse hands a reviver beside each value: the source text of a primitive. */
interface ReviverContext {
  source?: string;
}

const PLAIN_INTEGER = /^-?\d+$/;

function exactNumber(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number') return value;
  const literal = context?.source ?? String(value);
  return PLAIN_INTEGER.test(literal) && Number.isSafeInteger(value) ? value : new ExactNumber(literal);
}

/**
 * Parses JSON text; numbers that are not safe integers written as integers become
 * ExactNumber with their source literal. Throws SyntaxError when the text is not JSON.
 */
export function parseJsonExact(text: string): JsonValue {
  return JSON.parse(text, exactNumber) as JsonValue;
}

// JSON.rawJSON (Node 21+) is not in the ES2023 library types.
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Assigning "__proto__" would set the prototype; defined, it is an ordinary key. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * `value` as plain data that JSON.stringify writes canonically: every object a plain copy
 * of its own keys in sorted order (so no toJSON is called on it), every ExactNumber its raw
 * literal. Throws on what JSON cannot hold rather than writing null for it.
 */
function canonicalReady(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof ExactNumber) return rawJson(value.literal);
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot serialize non-finite number ${value}`);
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      throw new Error(`cannot serialize a ${typeof value}`);
  }
  if (Array.isArray(value)) return Array.from(value as unknown[], canonicalReady);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) setMember(copy, key, canonicalReady(record[key]));
  // Every object lists array-index keys ("9", "10") first, in numeric order; a proxy can
  // list its keys in the sorted order instead, and JSON.stringify follows it.
  return keys.some((key) => ARRAY_INDEX.test(key)) ? new Proxy(copy, { ownKeys: () => keys }) : copy;
}

/** The canonical text of `value`, without the newline at the end. */
function canonicalText(value: unknown): string {
  return JSON.stringify(canonicalReady(value) ?? null, null, 2);
}

/** Canonical JSON text: sorted keys, two-space indentation, newline at the end. */
export function canonicalJson(value: unknown): string {
  return `${canonicalText(value)}\n`;
}

/** canonicalJson as the UTF-8 bytes a ledger file holds and its hash is taken of. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encodeUtf8(canonicalJson(value));
}

/**
 * The canonical text of `value` with its `arrayKey` member written as an empty array, cut
 * where that array's elements go: the head ends with the line an element starts on, the
 * tail starts with the line of the closing bracket.
 */
function frameAround(value: Readonly<Record<string, unknown>>, arrayKey: string): { head: string; tail: string } {
  const text = canonicalJson({ ...value, [arrayKey]: [] });
  // A top-level member starts a line indented by two spaces; a string cannot hold a raw
  // line break, so this is the member itself and nothing inside a value.
  const member = `\n  ${JSON.stringify(arrayKey)}: []`;
  const at = text.indexOf(member);
  if (at < 0) throw new Error(`cannot place the elements of ${JSON.stringify(arrayKey)}`);
  const open = at + member.length - 1;
  return { head: `${text.slice(0, open)}\n    `, tail: `\n  ${text.slice(open)}` };
}

const ELEMENT_SEPARATOR = ',\n    ';

/**
 * canonicalJson(value) in pieces, one per element of its `arrayKey` array, so a document
 * with a very long array (a run diff of 10,000 runs) is never held as one text.
 */
export function* canonicalJsonPieces(value: Readonly<Record<string, unknown>>, arrayKey: string): Generator<string> {
  const items = value[arrayKey];
  if (!Array.isArray(items) || items.length === 0) {
    yield canonicalJson(value);
    return;
  }
  const { head, tail } = frameAround(value, arrayKey);
  yield head;
  // Strings hold no raw line break, so every one in an element's text starts a line to indent.
  for (const [index, item] of items.entries()) yield `${index > 0 ? ELEMENT_SEPARATOR : ''}${canonicalText(item).replaceAll('\n', '\n    ')}`;
  yield tail;
}

/**
 * A canonical document whose `arrayKey` member holds elements that are JSON bytes already
 * and must stay byte for byte as they are (a provider's buckets in a raw file). Each
 * element starts on the line its array gives it; bytes are never decoded, so even text
 * that is not valid UTF-8 is kept as it came.
 */
export function canonicalJsonAround(value: Readonly<Record<string, unknown>>, arrayKey: string, elements: readonly Uint8Array[]): Uint8Array {
  if (elements.length === 0) return canonicalJsonBytes({ ...value, [arrayKey]: [] });
  const { head, tail } = frameAround(value, arrayKey);
  const separator = encodeUtf8(ELEMENT_SEPARATOR);
  const pieces: Uint8Array[] = [encodeUtf8(head)];
  for (const [index, element] of elements.entries()) {
    if (index > 0) pieces.push(separator);
    pieces.push(element);
  }
  pieces.push(encodeUtf8(tail));
  return Buffer.concat(pieces);
}
