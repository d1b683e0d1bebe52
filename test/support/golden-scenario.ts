// The fixed story the golden ledger test replays: a 45-day backfill through paged,
// rate-limited responses, a restatement and late usage, a sync a day later, and one run
// record reconciled. Every clock, seed and page size is fixed, so the same code writes
// the same bytes on every machine.

import path from 'node:path';
import { runReconcile } from '../../src/app/reconcile.js';
import { silentLogger } from '../../src/ports.js';
import { parseSettings } from '../../src/config/settings.js';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { ADMIN_ENV, recordingClock, runLedger } from './ledger-run.js';
import { runRecord, writeRunFile } from './runs.js';
import { composeAdapters } from '../../src/app/compose.js';

export const BACKFILL_NOW = new Date('2026-03-10T06:30:00Z');
/** 2026-01-25..2026-03-10: crosses two month folders and needs two 31-day pages per usage endpoint. */
export const BACKFILL_DAYS = 45;
export const SYNC_NOW = new Date('2026-03-11T06:30:00Z');
export const RECONCILE_NOW = new Date('2026-03-11T07:00:00Z');

/** Settled at both runs and inside the sync's default 7 days, so the sync must catch it. */
export const RESTATED_DAY = '2026-03-06';
/** Past the 2% drift threshold, so the restatement is a finding too. */
export const RESTATED_PERCENT = 3;
/** Provisional at the backfill; usage for it arrives afterwards, before the sync. */
export const LATE_DAY = '2026-03-09';

/** Small enough that completions and costs span many pages, large enough to stay quick. */
export const RESULTS_PER_PAGE = 100;
/** A distinctive wait, so the test can tell the provider's Retry-After was the one obeyed. */
export const RETRY_AFTER_SECONDS = 7;

/** A synthetic key of the default organization (seed 1) with completions in the run's hours. */
export const RUN_API_KEY = 'key_cg609jkBtYfSrMeV';
export const RUN_FRAMEWORK = 'golden-agent';
export const RUN_ID = 'run-0001';
export const RUN_RECORD_PATH = `runs/${RUN_FRAMEWORK}/${RUN_ID}/metrics.json`;

const at = (iso: string): number => Date.parse(iso) / 1000;

/** Steps that meet mid-minute; the last finds no usage for its key, so the record shows that case too. */
const RUN_STEPS = [
  { start: at('2026-03-10T18:00:00Z'), end: at('2026-03-10T18:40:30Z') },
  { start: at('2026-03-10T18:40:30Z'), end: at('2026-03-10T19:25:00Z') },
  { start: at('2026-03-10T19:25:00Z'), end: at('2026-03-10T20:00:00Z') },
];

/** Usage of the late day that the provider reports only after the backfill has recorded it. */
function lateEvents(): SimEvent[] {
  const base = { endpoint: 'completions' as const, project_id: 'proj_late_reporting', api_key_id: 'key_late_reporting', user_id: 'user-late-reporting', model: 'gpt-4o-mini-2024-07-18' };
  return [
    { ...base, timestamp: at(`${LATE_DAY}T09:15:00Z`), input_tokens: 120_000, output_tokens: 30_000, num_model_requests: 40 },
    { ...base, timestamp: at(`${LATE_DAY}T21:45:00Z`), input_tokens: 80_000, output_tokens: 16_000, num_model_requests: 25 },
  ];
}

export interface GoldenRunFacts {
  /** Every wait the tool asked its clock for, in milliseconds, over the three runs. */
  sleeps: number[];
  /** Per run, pages served with status 200 per endpoint ('completions', ..., 'costs'). */
  pages: { backfill: Record<string, number>; sync: Record<string, number>; reconcile: Record<string, number> };
  /** Responses with status 429 the simulator sent over the three runs. */
  rateLimited: number;
  backfill: Awaited<ReturnType<typeof runLedger>>;
  sync: Awaited<ReturnType<typeof runLedger>>;
  reconcile: Awaited<ReturnType<typeof runReconcile>>;
}

/** Pages served since the log was last cleared, then clears it; 429s are added to `rateLimited`. */
function takePages(simulator: Simulator, counter: { rateLimited: number }): Record<string, number> {
  const pages: Record<string, number> = {};
  for (const request of simulator.requestLog) {
    if (request.status === 200) pages[request.endpoint] = (pages[request.endpoint] ?? 0) + 1;
    if (request.status === 429) counter.rateLimited += 1;
  }
  simulator.clearLog();
  return pages;
}

/** Plays the whole story in `work`, a clone with a remote, and leaves the ledger there. */
export async function runGoldenScenario(work: string): Promise<GoldenRunFacts> {
  let simulatedNow = BACKFILL_NOW;
  const simulator = await startSimulator({ seed: 1, org: 'small', now: () => simulatedNow, maxResultsPerPage: RESULTS_PER_PAGE });
  const sleeps: number[] = [];
  const counter = { rateLimited: 0 };
  try {
    // The second completions page (a cursor page) is refused once, so the retry resends a cursor.
    simulator.failNext(1, 429, { endpoint: 'completions', after: 1, retryAfter: String(RETRY_AFTER_SECONDS) });
    const backfillClock = recordingClock(BACKFILL_NOW);
    const backfill = await runLedger('backfill', { cwd: work, baseUrl: simulator.url, now: BACKFILL_NOW, clock: backfillClock, flags: { days: String(BACKFILL_DAYS) } });
    sleeps.push(...backfillClock.sleeps);
    const backfillPages = takePages(simulator, counter);

    simulator.restateDay(RESTATED_DAY, RESTATED_PERCENT);
    simulator.addEvents(lateEvents());
    simulatedNow = SYNC_NOW;
    const syncClock = recordingClock(SYNC_NOW);
    const sync = await runLedger('sync', { cwd: work, baseUrl: simulator.url, now: SYNC_NOW, clock: syncClock });
    sleeps.push(...syncClock.sleeps);
    const syncPages = takePages(simulator, counter);

    simulatedNow = RECONCILE_NOW;
    const record = runRecord(RUN_ID, RUN_STEPS, { usage_scope: { provider: 'openai', api_key_id: RUN_API_KEY } });
    await writeRunFile(path.join(work, 'runs'), RUN_FRAMEWORK, RUN_ID, record);
    const settings = parseSettings('reconcile', [], { 'openai-base-url': simulator.url, now: RECONCILE_NOW.toISOString() }, ADMIN_ENV, RECONCILE_NOW);
    const reconcileClock = recordingClock(RECONCILE_NOW);
    const reconcile = await runReconcile(settings, composeAdapters(settings, { cwd: work, clock: reconcileClock, logger: silentLogger, env: {} }));
    sleeps.push(...reconcileClock.sleeps);
    const pages = { backfill: backfillPages, sync: syncPages, reconcile: takePages(simulator, counter) };
    return { sleeps, pages, rateLimited: counter.rateLimited, backfill, sync, reconcile };
  } finally {
    await simulator.close();
  }
}
