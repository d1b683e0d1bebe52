// JSON in and out of the ledger.
//
// Provider pages are parsed so that no number loses precision: integers that fit in a
// double stay numbers, every other number keeps its exact literal as an ExactNumber, and
// serializing writes that literal back unchanged. Canonical JSON (sorted keys, two-space
// indentation, a newline at the end) makes an unchanged day byte-identical on disk.

import { jsonNumberToDecimal } from './decimal.js';
import { EXACT_NUMBER_MARK, markInexactNumbers } from './json-number-literals.js';
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

interface ReviverContext {
  source?: string;
}

/** The slow, always-right reading: the reviver is handed the source text of each primitive. */
function parseWithLiterals(text: string): JsonValue {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === 'number') {
      const literal = context?.source ?? String(value);
      if (/^-?\d+$/.test(literal) && Number.isSafeInteger(value)) return value;
      return new ExactNumber(literal);
    }
    return value;
  }) as JsonValue;
}

/** Turns the marked strings of markInexactNumbers back into ExactNumbers, in place; false when a key is marked (never valid JSON). */
function reviveMarked(holder: Record<string, unknown> | unknown[], key: string | number): boolean {
  const value = (holder as Record<string | number, unknown>)[key];
  if (typeof value === 'string') {
    if (value.charCodeAt(0) !== 0) return true;
    const exact = new ExactNumber(value.slice(EXACT_NUMBER_MARK.length));
    // A "__proto__" key is an ordinary own property in parsed JSON; assigning would set the prototype.
    if (key === '__proto__') Object.defineProperty(holder, key, { value: exact, writable: true, enumerable: true, configurable: true });
    else (holder as Record<string | number, unknown>)[key] = exact;
    return true;
  }
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (!reviveMarked(value, index)) return false;
    return true;
  }
  for (const name of Object.keys(value)) {
    if (name.charCodeAt(0) === 0) return false;
    if (!reviveMarked(value as Record<string, unknown>, name)) return false;
  }
  return true;
}

/**
 * Parses JSON text; numbers that are not safe integers become ExactNumber with their
 * source literal. Text whose numbers are all safe integers is read by JSON.parse alone;
 * otherwise the inexact literals are marked as strings first and made ExactNumbers after;
 * only when that cannot be sure does Node's reviver with source text, several times
 * slower, read it. Throws SyntaxError when the text is not JSON, as JSON.parse does.
 */
export function parseJsonExact(text: string): JsonValue {
  const marking = markInexactNumbers(text);
  if (marking.kind === 'plain') return JSON.parse(text) as JsonValue;
  if (marking.kind === 'unsure') return parseWithLiterals(text);
  const root = { value: JSON.parse(marking.text) as unknown };
  if (reviveMarked(root, 'value')) return root.value as JsonValue;
  // A marked object key: the original had a number where a key belongs.
  throw new SyntaxError('a number stands where an object key belongs');
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The writer canonicalJson falls back to where JSON.stringify cannot keep the key order. */
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

// JSON.rawJSON (Node 21+) is not in the ES2023 library types.
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;

/** Thrown by canonicalReady when an object has an array-index key (see below). */
const INDEX_KEYS = Symbol('array-index keys');
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * `value` made ready for a plain JSON.stringify to write canonically: every object a
 * plain one with its keys in sorted order, every ExactNumber a raw JSON literal. What is
 * already so (records and snapshots are built that way) is returned as it is, so a large
 * tree costs one walk and no copies. A replacer would do the same per value, but V8 calls
 * it from C++ for every key and value, which costs several times the writing itself.
 */
function canonicalReady(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot serialize non-finite number ${value}`);
      return value;
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      if (value === null) return value;
      if (value instanceof ExactNumber) return rawJson(value.literal);
      return Array.isArray(value) ? readyArray(value) : readyObject(value);
    default:
      throw new Error(`cannot serialize a ${typeof value}`);
  }
}

function readyArray(items: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    const ready = canonicalReady(item);
    if (ready !== item && copy === undefined) copy = items.slice(0, index);
    if (copy !== undefined) copy.push(ready);
  }
  return (copy ?? items) as unknown[];
}

/** The object itself when it is plain with sorted keys and ready values, else a sorted copy. */
function readyObject(value: object): object {
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  // The ready values in `keys` order, made only once one differs from its original.
  let readied: unknown[] | undefined;
  for (let index = 0; index < keys.length; index += 1) {
    const name = keys[index] as string;
    // Array-index keys are always listed first, in numeric order: JSON.stringify could
    // not write "10" before "9", so such objects go to the writer above.
    const lead = name.charCodeAt(0);
    if (lead >= 0x30 && lead <= 0x39 && ARRAY_INDEX.test(name)) throw INDEX_KEYS;
    if (index > 0 && (keys[index - 1] as string) > name) sorted = false;
    const item = record[name];
    const ready = canonicalReady(item);
    if (ready !== item && readied === undefined) readied = keys.slice(0, index).map((key) => record[key]);
    readied?.push(ready);
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (sorted && readied === undefined && (prototype === Object.prototype || prototype === null)) return value;
  // A copy is plain, so JSON.stringify neither calls a toJSON nor unwraps a boxed primitive
  // on it (an object is always written by its own keys). It is an ordinary object, not a
  // prototype-less one: V8 keeps those as hash tables, slower to fill and to write.
  const order = sorted ? keys.map((_, index) => index) : sortedOrder(keys);
  const copy: Record<string, unknown> = {};
  for (const index of order) {
    const name = keys[index] as string;
    const item = readied === undefined ? record[name] : readied[index];
    // Assigning "__proto__" would set the prototype; defined, it is an ordinary key.
    if (name === '__proto__') Object.defineProperty(copy, name, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[name] = item;
  }
  return copy;
}

/**
 * The order that sorts `keys`, by index. Objects of one shape (a provider's results) come
 * one after another with their keys in the same order, so the last answer is kept.
 */
let lastKeys: readonly string[] = [];
let lastOrder: readonly number[] = [];
function sortedOrder(keys: readonly string[]): readonly number[] {
  if (keys.length === lastKeys.length && keys.every((key, index) => key === lastKeys[index])) return lastOrder;
  const order = keys.map((_, index) => index).sort((a, b) => compareKeys(keys[a] as string, keys[b] as string));
  lastKeys = keys;
  lastOrder = order;
  return order;
}

/**
 * The canonical text of `value` as it appears `depth` arrays deep inside a canonical
 * document: every line after the first indented by 2 × depth more spaces, no newline at
 * the end, so that it can be joined into the larger document (depth 0: the document).
 */
function canonicalNested(value: unknown, depth: number): string {
  try {
    let wrapped = canonicalReady(value);
    if (wrapped === undefined) return 'null';
    for (let level = 0; level < depth; level += 1) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    // Each level wraps the text in "[\n" + its indent and "\n" + the outer indent + "]".
    return depth === 0 ? text : text.slice(2 * depth + depth * (depth + 1), text.length - (2 * depth + depth * (depth - 1)));
  } catch (error) {
    if (error !== INDEX_KEYS) throw error;
  }
  const out: string[] = [];
  write(value, '  '.repeat(depth), out);
  return out.join('');
}

/** Canonical JSON text: sorted keys, two-space indentation, newline at the end. */
export function canonicalJson(value: unknown): string {
  return `${canonicalNested(value, 0)}\n`;
}

const NEWLINE = encodeUtf8('\n');

/**
 * canonicalJson as UTF-8 bytes, in pieces that are written and hashed one after another:
 * appending the newline to a day's text would copy all of it once more.
 */
export function canonicalJsonBytes(value: unknown): Uint8Array[] {
  return [encodeUtf8(canonicalNested(value, 0)), NEWLINE];
}

/**
 * The canonical text of `value` with its `arrayKey` member written as an empty array,
 * cut where that array's elements belong: `head` ends with its "[", `tail` starts with
 * its "]". Undefined when the member cannot be found.
 */
function arrayFrame(value: Readonly<Record<string, unknown>>, arrayKey: string): { head: string; tail: string } | undefined {
  const text = canonicalNested({ ...value, [arrayKey]: [] }, 0);
  // A top-level member starts a line indented by two spaces; a string cannot hold a raw
  // line break, so this is the member itself and nothing inside a value.
  const member = `\n  ${JSON.stringify(arrayKey)}: []`;
  const at = text.indexOf(member);
  if (at < 0 || text.indexOf(member, at + 1) >= 0) return undefined;
  const open = at + member.length - 1;
  return { head: text.slice(0, open), tail: text.slice(open) };
}

/**
 * Text pieces are gathered to about this many characters before they are encoded. Far
 * below V8's large-object size (128 KiB): each large string or buffer is mapped afresh
 * and faulted in page by page, which made writing a 4 MB snapshot in one piece several
 * times slower than writing it in pieces like these.
 */
const PIECE_CHARS = 32_768;

/**
 * canonicalJsonBytes for an object with one long array member (a snapshot's records, a
 * run diff's runs): the array is written element by element into pieces of moderate
 * size, so the whole document never exists as one text. The same bytes as
 * canonicalJsonBytes(value).
 */
export function canonicalJsonBytesByElement<T extends object>(value: T, arrayKey: keyof T & string): Uint8Array[] {
  return [...canonicalJsonPiecesByElement(value, arrayKey)];
}

/**
 * canonicalJsonBytesByElement one piece at a time, encoded only when asked for: a writer
 * that writes each piece as it comes never holds the whole document's bytes either.
 */
export function* canonicalJsonPiecesByElement<T extends object>(value: T, arrayKey: keyof T & string): Generator<Uint8Array> {
  const items: unknown = value[arrayKey];
  const frame = Array.isArray(items) && items.length > 0 ? arrayFrame(value as Readonly<Record<string, unknown>>, arrayKey) : undefined;
  if (!Array.isArray(items) || frame === undefined) {
    yield* canonicalJsonBytes(value);
    return;
  }
  let text = `${frame.head}\n    `;
  for (let index = 0; index < items.length; index += 1) {
    if (index > 0) text += ',\n    ';
    text += canonicalNested(items[index], 2);
    if (text.length >= PIECE_CHARS) {
      yield encodeUtf8(text);
      text = '';
    }
  }
  yield encodeUtf8(`${text}\n  ${frame.tail}`);
  yield NEWLINE;
}

const ELEMENT_SEPARATOR = encodeUtf8(',\n    ');

/**
 * A canonical document around elements that are JSON already and must stay byte for byte
 * as they are (a provider's buckets in a raw file): everything but `arrayKey`'s elements
 * is canonical; each element is written on from the line its array gives it.
 */
export function canonicalJsonBytesAround(
  value: Readonly<Record<string, unknown>>,
  arrayKey: string,
  elements: readonly Uint8Array[],
): Uint8Array[] {
  if (elements.length === 0) return canonicalJsonBytes({ ...value, [arrayKey]: [] });
  const frame = arrayFrame(value, arrayKey);
  if (frame === undefined) throw new Error(`cannot place the elements of ${JSON.stringify(arrayKey)}`);
  const pieces: Uint8Array[] = [encodeUtf8(`${frame.head}\n    `)];
  elements.forEach((element, index) => {
    if (index > 0) pieces.push(ELEMENT_SEPARATOR);
    pieces.push(element);
  });
  pieces.push(encodeUtf8(`\n  ${frame.tail}`), NEWLINE);
  return pieces;
}
