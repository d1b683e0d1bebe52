// Loading run records for reconcile. A record that cannot be trusted is never guessed
// at: it becomes one BAD_RUN_RECORD finding naming the file and the field, is skipped,
// and is never rewritten, while every valid record beside it still loads.

import { hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../domain/findings.js';
import { discoverRuns } from './discover.js';
import { parseSource, literalAt, type SourceNode } from './json-source.js';
import { describeValue, schemaProblem, type DescribeAt, type RecordProblem } from './metrics-validator.js';
import { assertSafeFilter, escapeUnprintable, printableName } from './paths.js';
import { firstStepDay, recordProblem } from './step-checks.js';
import type { RunFilter, RunLoadResult, RunRecord } from './types.js';

/** Far above any real run (100,000 steps is about 15 MB); a larger file is not read into memory. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const BYTE_ORDER_MARK = '\uFEFF';

export function badRunRecord(relativePath: string, field: string | null, reason: string, day?: string): Finding {
  const what = field === null ? reason : `${field === '' ? '(document)' : field} ${reason}`;
  return {
    code: 'BAD_RUN_RECORD',
    severity: 'medium',
    provider: null,
    windows: day ? [day] : [],
    // A directory name or a parser's quote of the file may hold a newline: escaped, it cannot forge a report line.
    message: `${printableName(relativePath)}: ${escapeUnprintable(what)}; the record was skipped and left unchanged`,
    figures: { file: relativePath, field },
  };
}

type ReadOutcome = { text: string } | { reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The record's text. O_NOFOLLOW closes the gap between discovery's lstat and this open:
 * a metrics.json swapped for a link in between fails here instead of being followed.
 * Synchronous on purpose: reconcile reads thousands of small files one after another,
 * and a thread-pool round trip per call would cost more than the reading itself.
 */
export function readRecordText(file: string): ReadOutcome {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { reason: 'is a symbolic link; links are not followed, so it was not read' };
    return { reason: `cannot be read (${code ?? String(error)})` };
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { reason: 'is not a regular file' };
    if (stats.size > MAX_RECORD_BYTES) return { reason: `is ${stats.size} bytes, more than the ${MAX_RECORD_BYTES} a run record may have` };
    const bytes = readAll(descriptor, stats.size);
    if (bytes === null) return { reason: `grew past the ${MAX_RECORD_BYTES} bytes a run record may have while it was read` };
    try {
      // Fatal decoding: a file that is not UTF-8 would be mangled by a rewrite, so it is refused.
      return { text: UTF8.decode(bytes) };
    } catch {
      return { reason: 'is not valid UTF-8' };
    }
  } finally {
    closeSync(descriptor);
  }
}


/** Every byte of the file up to its end, even if it grew since fstat (a runner still appending). */
function readAll(descriptor: number, sizeHint: number): Uint8Array | null {
  let buffer = Buffer.allocUnsafe(sizeHint + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > MAX_RECORD_BYTES) return null;
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const read = readSync(descriptor, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/** Tells whether a record's text changed between loading and rewriting it. */
export function textDigest(text: string): string {
  return hash('sha256', text, 'base64');
}

type Checked = { record: RunRecord } | { problem: RecordProblem | null; reason: string; document?: unknown };

/**
 * Numbers in messages as the file wrote them: JSON.parse reads 1e400 as Infinity and a
 * 30-digit count as a rounded double. The text is parsed again only for a bad record.
 */
function describeAsWritten(text: string): DescribeAt {
  let source: SourceNode | undefined;
  return (pointer, value) => {
    if (typeof value !== 'number') return describeValue(value);
    source ??= parseSource(text);
    return describeValue(value, literalAt(source, pointer));
  };
}

function checkText(text: string, runId: string, now: Date): Checked {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    return { problem: null, reason: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const describe = describeAsWritten(body);
  const problem = schemaProblem(document, describe) ?? recordProblem(document as RunRecord, runId, now, describe);
  if (problem) return { problem, reason: problem.reason, document };
  return { record: document as RunRecord };
}

function existingDirectory(root: string): boolean {
  try {
    const stats = statSync(root);
    if (!stats.isDirectory()) throw new Error(`the runs directory ${root} is not a directory`);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Every valid run under `runsDir`, and one BAD_RUN_RECORD per file or directory that is
 * not. A missing runs directory holds no runs. Unsafe filter names throw UnsafeRunPathError.
 * `now` bounds plausible timestamps (a step more than a day in the future is rejected).
 */
export async function loadRuns(runsDir: string, filter: RunFilter = {}, now: Date = new Date()): Promise<RunLoadResult> {
  assertSafeFilter('framework', filter.framework);
  assertSafeFilter('run-id', filter.runId);
  const root = path.resolve(runsDir);
  const result: RunLoadResult = { runs: [], findings: [] };
  if (!existingDirectory(root)) return result;

  for (const entry of discoverRuns(root, path.basename(root), filter)) {
    if (entry.kind === 'rejected') {
      result.findings.push(badRunRecord(entry.relativePath, null, entry.reason));
      continue;
    }
    const read = readRecordText(entry.file);
    if ('reason' in read) {
      result.findings.push(badRunRecord(entry.relativePath, null, read.reason));
      continue;
    }
    const checked = checkText(read.text, entry.runId, now);
    if ('record' in checked) {
      result.runs.push({ framework: entry.framework, runId: entry.runId, file: entry.file, relativePath: entry.relativePath, digest: textDigest(read.text), record: checked.record });
    } else {
      result.findings.push(badRunRecord(entry.relativePath, checked.problem?.field ?? null, checked.reason, firstStepDay(checked.document)));
    }
  }
  return result;
}
