// Writing a run record back the way its runner wrote it. Keys keep their file order and
// new keys go last in their object; untouched values keep their exact literals; the
// indentation (spaces or tab, or none), line endings, byte order mark and trailing
// newline are the original's. A reviewer's diff then shows only what reconcile changed.

import { writeFileAtomicSync } from '../ledger-fs/atomic-write.js';
import { parseSource, type SourceNode } from './json-source.js';
import { readRecordText, textDigest } from './load.js';
import { schemaProblem } from './metrics-validator.js';
import type { LoadedRun, RunRecord } from './types.js';

interface Layout {
  /** Byte order mark and whitespace before the value. */
  prefix: string;
  /** Whitespace after the value, usually one newline or none. */
  suffix: string;
  /** One level of indentation; null for a file written on one line. */
  indent: string | null;
  eol: string;
}

const DEFAULT_INDENT = '  ';

/** Space, tab, line feed, carriage return. */
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function detectLayout(text: string): Layout {
  const prefix = /^\uFEFF?[ \t\r\n]*/.exec(text)?.[0] ?? '';
  // Scanned from the end: the regex /[ \t\r\n]*$/ would try every whitespace run in the file.
  let end = text.length;
  while (end > prefix.length && JSON_WHITESPACE.has(text.charCodeAt(end - 1))) end -= 1;
  const suffix = text.slice(end);
  const body = text.slice(prefix.length, text.length - suffix.length);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  // JSON strings cannot hold a raw newline, so a newline in the body is formatting.
  if (!body.includes('\n')) return { prefix, suffix, indent: body.length <= 2 ? DEFAULT_INDENT : null, eol };
  // The first indented line is one level deep: its leading whitespace is the unit.
  const unit = /\n([ \t]+)[^ \t\r\n]/.exec(body)?.[1];
  const indent = unit === undefined ? DEFAULT_INDENT : unit.startsWith('\t') ? '\t' : unit;
  return { prefix, suffix, indent, eol };
}

function isPlainPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

class Emitter {
  constructor(private readonly layout: Layout) {}

  private block(open: string, close: string, parts: string[], depth: number): string {
    if (parts.length === 0) return open + close;
    const { indent, eol } = this.layout;
    if (indent === null) return open + parts.join(',') + close;
    const inner = indent.repeat(depth + 1);
    return `${open}${eol}${inner}${parts.join(`,${eol}${inner}`)}${eol}${indent.repeat(depth)}${close}`;
  }

  value(input: unknown, source: SourceNode | undefined, depth: number): string {
    const value = typeof (input as { toJSON?: unknown } | null)?.toJSON === 'function' ? (input as { toJSON: () => unknown }).toJSON() : input;
    if (isPlainPrimitive(value)) {
      // An unchanged value is written as it was read: 0.50 stays 0.50, "\u00e9" stays escaped.
      if (source?.kind === 'literal' && source.value === value) return source.literal;
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) {
      const items = source?.kind === 'array' ? source.items : [];
      const parts = value.map((item, index) => (omitted(item) ? 'null' : this.value(item, items[index], depth + 1)));
      return this.block('[', ']', parts, depth);
    }
    if (typeof value === 'object') return this.object(value as Record<string, unknown>, source, depth);
    return 'null';
  }

  private object(value: Record<string, unknown>, source: SourceNode | undefined, depth: number): string {
    const present = Object.keys(value).filter((key) => !omitted(value[key]));
    const presentSet = new Set(present);
    const entries = source?.kind === 'object' ? source.entries : new Map<string, { keyLiteral: string; node: SourceNode }>();
    const kept = [...entries.keys()].filter((key) => presentSet.has(key));
    const added = present.filter((key) => !entries.has(key));
    const separator = this.layout.indent === null ? ':' : ': ';
    const parts = [...kept, ...added].map((key) => {
      const original = entries.get(key);
      return `${original?.keyLiteral ?? JSON.stringify(key)}${separator}${this.value(value[key], original?.node, depth + 1)}`;
    });
    return this.block('{', '}', parts, depth);
  }
}

/** The text of `updated`, laid out and ordered like `original`, the text it was read from. */
export function serializeRun(original: string, updated: RunRecord): string {
  const layout = detectLayout(original);
  const body = original.slice(layout.prefix.length, original.length - layout.suffix.length);
  return layout.prefix + new Emitter(layout).value(updated, parseSource(body), 0) + layout.suffix;
}

/** The file changed on disk after it was loaded (a runner still writing it); it was not overwritten. */
export class RunChangedError extends Error {
  readonly file: string;
  constructor(relativePath: string) {
    super(`${relativePath} changed on disk after it was read; not overwritten, run reconcile again`);
    this.name = 'RunChangedError';
    this.file = relativePath;
  }
}

/**
 * Replaces the record atomically. The new record must match the schema, and the file must
 * still hold the bytes it was loaded from, so a runner's concurrent write is never lost.
 */
export function writeRun(run: LoadedRun, updated: RunRecord): void {
  const problem = schemaProblem(updated);
  if (problem) throw new Error(`refusing to write ${run.relativePath}: ${problem.field || '(document)'} ${problem.reason}`);
  const current = readRecordText(run.file);
  if (!('text' in current) || textDigest(current.text) !== run.digest) throw new RunChangedError(run.relativePath);
  const text = serializeRun(current.text, updated);
  if (text === current.text) return;
  // The rename replaces the directory entry itself, so even a link put there is never written through.
  writeFileAtomicSync(run.file, text);
}
