// JSON in and out of the ledger.
//
// Provider pages are parsed so that no number loses precision: integers that fit in a
// double stay numbers, every other number keeps its exact literal as an ExactNumber, and
// writing puts that literal back unchanged. Canonical JSON (sorted keys, two-space
// indentation, a newline at the end) makes an unchanged day byte-identical on disk.

import { jsonNumberToDecimal } from './decimal.js';
import { encodeUtf8 } from './utf8.js';

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

/**
 * The canonical text of `value`, its lines after the first indented by `indent`. Objects
 * are written by their own keys, sorted by UTF-16 code units (array-index keys included,
 * which JSON.stringify would put first); members that are undefined are left out.
 */
function canonicalText(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof ExactNumber) return value.literal;
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot serialize non-finite number ${value}`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new Error(`cannot serialize a ${typeof value}`);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = Array.from(value as unknown[], (item) => canonicalText(item, inner));
    return `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  const members = keys.map((key) => `${JSON.stringify(key)}: ${canonicalText(record[key], inner)}`);
  return `{\n${inner}${members.join(`,\n${inner}`)}\n${indent}}`;
}

/** Canonical JSON text: sorted keys, two-space indentation, newline at the end. */
export function canonicalJson(value: unknown): string {
  return `${canonicalText(value, '')}\n`;
}

/** canonicalJson as the UTF-8 bytes a ledger file holds and its hash is taken of. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encodeUtf8(canonicalJson(value));
}

/** The old name build-day.ts still calls; the same bytes as canonicalJsonBytes. */
export function canonicalJsonBytesByElement(value: object, _arrayKey: string): Uint8Array {
  return canonicalJsonBytes(value);
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
  for (const [index, item] of items.entries()) yield `${index > 0 ? ELEMENT_SEPARATOR : ''}${canonicalText(item, '    ')}`;
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
