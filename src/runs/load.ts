// Loading run records for reconcile. A record that cannot be trusted is never guessed
// at: it becomes one BAD_RUN_RECORD finding naming the file and the field, is skipped,
// and is never rewritten, while every valid record beside it still loads.

import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../core/findings.js';
import { discoverRuns } from './discover.js';
import { schemaProblem, type RecordProblem } from './metrics-validator.js';
import { assertSafeFilter } from './paths.js';
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
    message: `${relativePath}: ${what}; the record was skipped and left unchanged`,
    figures: { file: relativePath, field },
  };
}

type ReadOutcome = { text: string } | { reason: string };

/**
 * The record's text. O_NOFOLLOW closes the gap between discovery's lstat and this open:
 * a metrics.json swapped for a link in between fails here instead of being followed.
 */
export async function readRecordText(file: string): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { reason: 'is a symbolic link; links are not followed, so it was not read' };
    return { reason: `cannot be read (${code ?? String(error)})` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { reason: 'is not a regular file' };
    if (stats.size > MAX_RECORD_BYTES) return { reason: `is ${stats.size} bytes, more than the ${MAX_RECORD_BYTES} a run record may have` };
    const bytes = await handle.readFile();
    try {
      // Fatal decoding: a file that is not UTF-8 would be mangled by a rewrite, so it is refused.
      return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
    } catch {
      return { reason: 'is not valid UTF-8' };
    }
  } finally {
    await handle.close();
  }
}

type Checked = { record: RunRecord } | { problem: RecordProblem | null; reason: string; document?: unknown };

function checkText(text: string, runId: string, now: Date): Checked {
  let document: unknown;
  try {
    document = JSON.parse(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
  } catch (error) {
    return { problem: null, reason: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = schemaProblem(document) ?? recordProblem(document as RunRecord, runId, now);
  if (problem) return { problem, reason: problem.reason, document };
  return { record: document as RunRecord };
}

async function existingDirectory(root: string): Promise<boolean> {
  try {
    const stats = await stat(root);
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
  if (!(await existingDirectory(root))) return result;

  for (const entry of await discoverRuns(root, path.basename(root), filter)) {
    if (entry.kind === 'rejected') {
      result.findings.push(badRunRecord(entry.relativePath, null, entry.reason));
      continue;
    }
    const read = await readRecordText(entry.file);
    if ('reason' in read) {
      result.findings.push(badRunRecord(entry.relativePath, null, read.reason));
      continue;
    }
    const checked = checkText(read.text, entry.runId, now);
    if ('record' in checked) {
      result.runs.push({ framework: entry.framework, runId: entry.runId, file: entry.file, relativePath: entry.relativePath, bytes: read.text, record: checked.record });
    } else {
      result.findings.push(badRunRecord(entry.relativePath, checked.problem?.field ?? null, checked.reason, firstStepDay(checked.document)));
    }
  }
  return result;
}
