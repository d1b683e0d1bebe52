// The heart of sync and backfill: fetch the planned days from each provider, turn every
// good day into a canonical snapshot, write only what changed (raw pages and snapshot,
// then a diff file, then the manifest last), and report findings. A failed day keeps its
// last good snapshot and is marked in the manifest; it is never written as zeros.

import path from 'node:path';
import { daysBetween } from '../domain/dates.js';
import { type Finding, fetchFailureFinding } from '../domain/findings.js';
import { canonicalJson } from '../lib/json/json.js';
import { buildLedgerReadme } from '../domain/ledger-readme.js';
import type { DataOrigin, DayResult, UsageSource } from '../domain/usage-source.js';
import { nextEntry } from '../domain/window-state.js';
import type { LedgerStore, Manifest } from '../adapters/ledger-fs/store.js';
import type { Clock, Logger } from '../ports.js';
import { buildDay, type DayJob, type WindowReport } from './build-day.js';

export interface RequestStats {
  requests: number;
  retries: number;
  byLabel: Record<string, number>;
  rateLimitHeaders: Array<{ label: string; status: number; headers: Record<string, string> }>;
}

export interface ProviderQuery {
  source: UsageSource;
  endpoints: readonly string[];
  groupBy: Readonly<Record<string, readonly string[]>>;
  /** Request counters of the HTTP client behind the source. */
  stats: () => RequestStats;
}

export interface LedgerRunInput {
  /** The ledger's manifest as read before the run; updated in place and written back. */
  manifest: Manifest;
  command: string;
  dates: readonly string[];
  /** Days within this many of today (inclusive of today) are provisional. */
  settleDays: number;
  providers: readonly ProviderQuery[];
  store: LedgerStore;
  clock: Clock;
  logger: Logger;
  dryRun: boolean;
  allowMixedOrigin: boolean;
}

export type { WindowReport, WindowStatus } from './build-day.js';

export interface LedgerRunResult {
  windows: WindowReport[];
  findings: Finding[];
  /** Absolute paths of every file written, for the commit. */
  written: string[];
  diffFiles: string[];
  /** Records added, removed or changed (a new window counts all its records). */
  updatedRecords: number;
  requests: { total: number; retries: number };
  /** The manifest's windows after the run, for checks such as staleness. */
  windowsAfter: Manifest['windows'];
}

/** Refused before anything is written: simulated and real data never share a ledger. */
export class MixedOriginError extends Error {
  constructor(ledgerOrigin: DataOrigin, incoming: DataOrigin) {
    super(
      `the ledger holds ${ledgerOrigin === 'simulator' ? 'simulated' : 'real provider'} data and this run fetched ` +
        `${incoming === 'simulator' ? 'simulated' : 'real provider'} data; refusing to mix them ` +
        '(use a separate --audit-dir, or pass --allow-mixed-origin if you really mean it)',
    );
    this.name = 'MixedOriginError';
  }
}

interface BatchWork {
  diffWindows: object[];
  findings: Finding[];
}

function isProvisional(date: string, today: string, settleDays: number): boolean {
  return daysBetween(date, today) < settleDays;
}

export async function updateLedger(input: LedgerRunInput): Promise<LedgerRunResult> {
  const { store, clock, logger } = input;
  const now = clock.now();
  const nowIso = now.toISOString();
  const today = nowIso.slice(0, 10);
  const { manifest } = input;
  const result: LedgerRunResult = {
    windows: [],
    findings: [],
    written: [],
    diffFiles: [],
    updatedRecords: 0,
    requests: { total: 0, retries: 0 },
    windowsAfter: manifest.windows,
  };
  // One file at a time, each written atomically; a dry run writes nothing.
  const write = async (step: () => Promise<string | undefined>): Promise<void> => {
    if (input.dryRun) return;
    const file = await step();
    if (file !== undefined) result.written.push(file);
  };

  for (const provider of input.providers) {
    const name = provider.source.provider;
    const windows = (manifest.windows[name] ??= {});
    for await (const batch of provider.source.fetchDays(input.dates)) {
      checkOrigin(manifest, batch, input.allowMixedOrigin);
      const work: BatchWork = { diffWindows: [], findings: [] };
      let manifestChanged = false;
      for (const day of batch) {
        const previous = windows[day.date];
        const provisional = isProvisional(day.date, today, input.settleDays);
        if (day.status !== 'ok') {
          const transition = nextEntry(previous, { kind: 'failed', state: day.status, code: day.code, message: day.message }, provisional, nowIso);
          work.findings.push(fetchFailureFinding(name, day));
          manifestChanged ||= canonicalJson(previous ?? null) !== canonicalJson(transition.entry);
          windows[day.date] = transition.entry;
          result.windows.push({ provider: name, date: day.date, state: transition.entry.state, status: 'failed', tokens: previous?.tokens ?? null, tokenDelta: 0, cost: {}, records: 0 });
          continue;
        }
        const job: DayJob = { parts: day.parts, origin: day.origin, endpoints: provider.endpoints, groupBy: provider.groupBy, previous, provisional, nowIso, store };
        const built = await buildDay(job);
        manifestChanged ||= canonicalJson(previous ?? null) !== canonicalJson(built.entry);
        windows[day.date] = built.entry;
        result.windows.push(built.window);
        if (built.window.status === 'new') result.updatedRecords += built.window.records;
        result.updatedRecords += built.recordChanges;
        // Raw files, then the snapshot; the old snapshot was read before either.
        for (const file of built.files) await write(() => store.writePrepared(file));
        if (built.diffWindow) work.diffWindows.push(built.diffWindow);
        if (built.finding) work.findings.push(built.finding);
      }
      result.findings.push(...work.findings);
      if (work.diffWindows.length > 0) await write(() => writeDiff(input, now, provider.stats(), work, result));
      // The manifest goes last: a crash before this line leaves the previous manifest
      // describing files that are all still valid. The README is derived from it.
      if (manifestChanged) {
        await write(() => store.writeReadme(buildLedgerReadme(manifest.windows, manifest.origin)));
        await write(() => store.writeManifest(manifest));
      }
      logger.info(`${name}: ${batch.length} window(s) processed, ${work.diffWindows.length} changed`);
    }
    const stats = provider.stats();
    result.requests.total += stats.requests;
    result.requests.retries += stats.retries;
  }
  return result;
}

/** The batch's diff file, with the requests made so far for it. */
async function writeDiff(input: LedgerRunInput, now: Date, stats: RequestStats, work: BatchWork, result: LedgerRunResult): Promise<string> {
  const diff = {
    schema_version: 1,
    command: input.command,
    run_at: now.toISOString(),
    origin: input.manifest.origin ?? 'provider',
    windows: work.diffWindows,
    findings: work.findings,
    requests: {
      total: stats.requests,
      retries: stats.retries,
      by_endpoint: { ...stats.byLabel },
      rate_limit_headers: stats.rateLimitHeaders.map((seen) => ({ endpoint: seen.label, status: seen.status, headers: seen.headers })),
    },
  };
  const file = await input.store.writeDiff(now, input.command, diff);
  result.diffFiles.push(file);
  return file;
}

function checkOrigin(manifest: Manifest, batch: readonly DayResult[], allowMixed: boolean): void {
  for (const day of batch) {
    if (day.status !== 'ok') continue;
    if (manifest.origin === null) manifest.origin = day.origin;
    else if (manifest.origin !== day.origin && !allowMixed) throw new MixedOriginError(manifest.origin, day.origin);
  }
}

/** Repository-relative forward-slash path, as git and the outputs want it. */
export function toRepoPath(repoRoot: string, file: string): string {
  return path.relative(repoRoot, file).split(path.sep).join('/');
}
