// Framework and run names become path segments, so only names that cannot climb out of
// the runs directory, hide, or look like an option are accepted.

import { UsageError } from '../../errors.js';

/** Letters, digits, dot, underscore and hyphen, starting with a letter or digit. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isSafeName(name: string): boolean {
  // The leading character rules out "." and ".."; the length cap keeps under NAME_MAX.
  return name.length <= 255 && SAFE_NAME.test(name);
}

/** A --framework or --run-id filter that could name a path outside the runs directory. */
export class UnsafeRunPathError extends UsageError {
  readonly value: string;
  constructor(input: 'framework' | 'run-id', value: string) {
    super(`${JSON.stringify(value)} is not a safe name: use letters, digits, ".", "_" and "-", starting with a letter or digit`, input);
    this.name = 'UnsafeRunPathError';
    this.value = value;
  }
}

export function assertSafeFilter(input: 'framework' | 'run-id', value: string | undefined): void {
  if (value !== undefined && !isSafeName(value)) throw new UnsafeRunPathError(input, value);
}

/** Relative paths in findings and reports use forward slashes on every platform. */
export function joinRelative(...segments: string[]): string {
  return segments.filter((segment) => segment !== '').join('/');
}

/** Control and format characters (newlines, escapes, bidi overrides) that could forge or hide report lines. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeCharacter(character: string): string {
  const short = SHORT_ESCAPES[character];
  if (short !== undefined) return short;
  // split('') gives UTF-16 code units: a character past U+FFFF becomes its two escapes, as in JSON.
  return character.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

/** `text` with each unprintable character written as its JSON escape (\n, \u001b...). */
export function escapeUnprintable(text: string): string {
  return text.replace(new RegExp(UNPRINTABLE.source, 'gu'), escapeCharacter);
}

/** A name or path as a report shows it: as is when printable, else quoted and escaped as JSON does ("run\nid"). */
export function printableName(name: string): string {
  return UNPRINTABLE.test(name) ? `"${escapeUnprintable(name.replace(/["\\]/g, '\\$&'))}"` : name;
}
