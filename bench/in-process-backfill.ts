// The backfill use case called in-process, as the CLI runs it (`backfill --days N
// --publish none --now <fixed>`), into a fresh audit directory: how the bench records the
// responses a backfill needs. What is measured is the built action (built-action.ts).

import { mkdir } from 'node:fs/promises';
import { runLedgerCommand } from '../src/app/ledger-command.js';
import { silentLogger, systemClock } from '../src/ports.js';
import { parseSettings } from '../src/config/settings.js';
import { composeAdapters } from '../src/app/compose.js';

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

export async function runBackfill(params: BackfillParams): Promise<void> {
  await mkdir(params.cwd, { recursive: true });
  const settings = parseSettings(
    'backfill',
    [],
    { 'openai-base-url': params.baseUrl, days: String(params.days), publish: 'none', now: params.now, 'audit-dir': 'audit' },
    BENCH_ENV,
    new Date(params.now),
  );
  // An empty environment: no GitHub or artifact-service variables, so nothing but the
  // loopback base URL can be reached.
  await runLedgerCommand(settings, composeAdapters(settings, { cwd: params.cwd, clock: systemClock, logger: silentLogger, env: {} }));
}
