// Finds the number literals of a JSON text that JSON.parse alone would not keep exactly
// (anything but an integer that is safe as a double) and turns each into a marked string,
// so one plain JSON.parse, far faster than a reviver asking for every value's source
// text, can read the text, and the marked strings are then made ExactNumbers again.

/** Starts every marked string. A parsed string can only begin with it through a \u0000 escape, which makes the marking unsure. */
export const EXACT_NUMBER_MARK = '\u0000';

export type NumberMarking =
  /** Every number is a safe integer: JSON.parse reads the text exactly as it is. */
  | { kind: 'plain' }
  /** The text with each inexact number literal written as a marked string. */
  | { kind: 'marked'; text: string }
  /** A \u0000 escape, or something that is not a JSON number: only the slow, literal-keeping parse can say. */
  | { kind: 'unsure' };

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const PLAIN_INTEGER = /^-?\d+$/;

function isNumberChar(code: number): boolean {
  // 0-9 . e E + -
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === 0x2d;
}

function isNumberStart(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2d;
}

/** True when JSON.parse gives this literal's exact value: an integer that is safe as a double. */
function parsesExactly(literal: string): boolean {
  return PLAIN_INTEGER.test(literal) && Number.isSafeInteger(Number(literal));
}

/** True when the quote at `at` is escaped: an odd number of backslashes stand before it. */
function isEscapedQuote(text: string, at: number): boolean {
  let before = at - 1;
  while (text.charCodeAt(before) === 0x5c) before -= 1;
  return (at - 1 - before) % 2 === 1;
}

export function markInexactNumbers(text: string): NumberMarking {
  // Checked once for the whole text rather than per string. An escaped backslash before
  // "u0000" is counted too: that only sends a rare text the slow, always exact way.
  if (text.includes('\\u0000')) return { kind: 'unsure' };
  const pieces: string[] = [];
  let copiedUpTo = 0;
  const length = text.length;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      // A string, most of the text: jump to its closing quote natively.
      let close = text.indexOf('"', index + 1);
      while (close >= 0 && isEscapedQuote(text, close)) close = text.indexOf('"', close + 1);
      // Unterminated: not JSON, which the parse that follows reports.
      if (close < 0) break;
      index = close + 1;
      continue;
    }
    if (!isNumberStart(code)) {
      index += 1;
      continue;
    }
    let end = index + 1;
    while (end < length && isNumberChar(text.charCodeAt(end))) end += 1;
    const literal = text.slice(index, end);
    if (end - index > 15 || !PLAIN_INTEGER.test(literal)) {
      if (!JSON_NUMBER.test(literal)) return { kind: 'unsure' };
      if (!parsesExactly(literal)) {
        pieces.push(text.slice(copiedUpTo, index), `"\\u0000${literal}"`);
        copiedUpTo = end;
      }
    }
    index = end;
  }
  if (pieces.length === 0) return { kind: 'plain' };
  pieces.push(text.slice(copiedUpTo));
  return { kind: 'marked', text: pieces.join('') };
}

const JSON_SPACE = '[ \\t\\n\\r]*';
const keyedValues = new Map<string, RegExp>();

/**
 * True when every value the text gives under one of `keys`, as an object key at any depth,
 * is written as a plain integer: 1700000000, not 1.7e9 or 1700000000.0, which a plain
 * JSON.parse reads as the same integer but parseJsonExact keeps as a literal. A key can
 * only be found by its name when it is written without escapes, so a text holding any \u
 * escape gets false, as does a value that is not a number at all.
 */
export function keysHavePlainIntegers(text: string, keys: readonly string[]): boolean {
  if (text.includes('\\u')) return false;
  const cacheKey = keys.join(',');
  let pattern = keyedValues.get(cacheKey);
  if (pattern === undefined) {
    if (!keys.every((key) => /^\w+$/.test(key))) throw new RangeError(`keys must be plain words: ${cacheKey}`);
    // Within a string every quote is escaped, so a quoted name followed by a colon is a key.
    pattern = new RegExp(`"(?:${keys.join('|')})"${JSON_SPACE}:${JSON_SPACE}([^ \\t\\n\\r,}\\]]*)`, 'g');
    keyedValues.set(cacheKey, pattern);
  }
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (!PLAIN_INTEGER.test(match[1] as string)) return false;
  }
  return true;
}
