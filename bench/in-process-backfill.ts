// The backfill use case called in-process, as the CLI runs it (`backfill --days N
// --publish none --now <fixed>`), into a fresh audit directory: how the bench records the
// responses a backfill needs. What is measured is the built action (built-action.ts).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLedgerCommand } from '../src/commands/ledger-command.js';
import { silentLogger, systemClock } from '../src/ports.js';
import { parseSettings } from '../src/settings.js';
import { totalBytes } from './files.js';

/** Any sk-admin- key passes the simulator's check; the replay server ignores it. */
export const BENCH_ENV = { OPENAI_ADMIN_KEY: 'sk-admin-bench' };

export interface BackfillParams {
  /** Base URL ending in /v1. */
  baseUrl: string;
  /** The run's working directory; the ledger goes to its audit/ subdirectory. */
  cwd: string;
  /** ISO instant the run pretends is now. */
  now: string;
  days: number;
}

export interface BackfillResult {
  wallMs: number;
  auditDir: string;
  /** Requests as the tool itself counted them, retries included. */
  toolRequests: number;
  retries: number;
  windows: number;
  failedWindows: number;
  filesWritten: number;
  bytesWritten: number;
}

export async function runBackfill(params: BackfillParams): Promise<BackfillResult> {
  await mkdir(params.cwd, { recursive: true });
  const started = performance.now();
  const settings = parseSettings(
    'backfill',
    [],
    { 'openai-base-url': params.baseUrl, days: String(params.days), publish: 'none', now: params.now, 'audit-dir': 'audit' },
    BENCH_ENV,
    new Date(params.now),
  );
  // An empty environment: no GitHub or artifact-service variables, so nothing but the
  // loopback base URL can be reached.
  const { run } = await runLedgerCommand(settings, { cwd: params.cwd, clock: systemClock, logger: silentLogger, env: {} });
  const wallMs = performance.now() - started;
  return {
    wallMs,
    auditDir: path.join(params.cwd, 'audit'),
    toolRequests: run.requests.total,
    retries: run.requests.retries,
    windows: run.windows.length,
    failedWindows: run.windows.filter((window) => window.status === 'failed').length,
    filesWritten: run.written.length,
    bytesWritten: await totalBytes(run.written),
  };
}
