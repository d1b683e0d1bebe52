// The heart of sync and backfill: fetch the planned days from each provider, turn every
// good day into a canonical snapshot, write only what changed (raw pages and snapshot,
// then a diff file, then the manifest last), and report findings. A failed day keeps its
// last good snapshot and is marked in the manifest; it is never written as zeros.

import path from 'node:path';
import { daysBetween } from '../core/dates.js';
import { diffRecords, largestTokenChange, type RecordDiff } from '../core/diff.js';
import { type Finding, fetchFailureFinding, tokenDriftFinding } from '../core/findings.js';
import { canonicalJson, canonicalJsonBytesByElement } from '../core/json.js';
import { buildLedgerReadme } from '../core/ledger-readme.js';
import { buildSnapshot } from '../core/snapshot.js';
import type { DataOrigin, DayOk, DayResult, UsageSource } from '../core/usage-source.js';
import { type WindowState, nextEntry } from '../core/window-state.js';
import { ledgerPaths } from '../ledger/paths.js';
import { type LedgerStore, type Manifest, sha256Hex } from '../ledger/store.js';
import type { Clock, Logger } from '../ports.js';

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

export type WindowStatus = 'new' | 'changed' | 'unchanged' | 'failed';

export interface WindowReport {
  provider: string;
  date: string;
  state: WindowState;
  status: WindowStatus;
  tokens: number | null;
  tokenDelta: number;
  cost: Record<string, string>;
  records: number;
}

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

  // A day's raw files and snapshot are independent of each other and of the next day's,
  // so a few are written at once (each is flushed to disk, mostly waiting); all of them
  // are done before the batch's diff file and manifest, which still go last.
  const writes = boundedWrites(WRITES_IN_FLIGHT, result.written);
  const write = async (step: () => Promise<string>): Promise<void> => {
    if (input.dryRun) return;
    await writes.add(step);
  };

  try {
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
          const report = await applyDay(input, provider, day, previous, provisional, nowIso, work, write);
          manifestChanged ||= canonicalJson(previous ?? null) !== canonicalJson(report.entry);
          windows[day.date] = report.entry;
          result.windows.push(report.window);
          if (report.window.status === 'new') result.updatedRecords += report.window.records;
          result.updatedRecords += report.recordChanges;
        }
        await writes.drain();
        result.findings.push(...work.findings);
        const stats = provider.stats();
        if (work.diffWindows.length > 0) {
          const diff = {
            schema_version: 1,
            command: input.command,
            run_at: nowIso,
            origin: manifest.origin ?? 'provider',
            windows: work.diffWindows,
            findings: work.findings,
            requests: {
              total: stats.requests,
              retries: stats.retries,
              by_endpoint: { ...stats.byLabel },
              rate_limit_headers: stats.rateLimitHeaders.map((seen) => ({ endpoint: seen.label, status: seen.status, headers: seen.headers })),
            },
          };
          await write(async () => {
            const file = await store.writeDiff(now, input.command, diff);
            result.diffFiles.push(file);
            return file;
          });
          await writes.drain();
        }
        // The manifest goes last: a crash before this line leaves the previous manifest
        // describing files that are all still valid. The README is derived from it.
        if (manifestChanged) {
          const readme = input.dryRun ? undefined : await store.writeReadme(buildLedgerReadme(manifest.windows, manifest.origin));
          if (readme) result.written.push(readme);
          await write(() => store.writeManifest(manifest));
          await writes.drain();
        }
        logger.info(`${name}: ${batch.length} window(s) processed, ${work.diffWindows.length} changed`);
      }
      const stats = provider.stats();
      result.requests.total += stats.requests;
      result.requests.retries += stats.retries;
    }
  } catch (error) {
    // Nothing keeps writing once the run has ended, whichever way it ended.
    await writes.settle();
    throw error;
  }
  return result;
}

/**
 * Ledger files being written at once: enough to overlap their flushes to disk. Each holds
 * its bytes until flushed (a large organization's snapshot is several MB a day), so no more.
 */
const WRITES_IN_FLIGHT = 4;

/**
 * Runs write steps with at most `limit` in flight, recording each path in `written` in
 * the order the steps were added. drain() waits for all of them and rethrows the first
 * failure once none is left running.
 */
function boundedWrites(limit: number, written: string[]) {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  return {
    async add(step: () => Promise<string>): Promise<void> {
      while (running.size >= limit) await Promise.race(running);
      // Stop at the first failure, as writing one file at a time did.
      if (failure) await this.drain();
      const slot = written.length;
      written.push('');
      const task = step().then(
        (file) => {
          written[slot] = file;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      const tracked = task.finally(() => running.delete(tracked));
      running.add(tracked);
    },
    /** Waits for the writes in flight without judging them. */
    async settle(): Promise<void> {
      while (running.size > 0) await Promise.race(running);
    },
    async drain(): Promise<void> {
      await this.settle();
      // A failed step leaves its slot empty; what was written is still listed.
      for (let index = written.length - 1; index >= 0; index -= 1) if (written[index] === '') written.splice(index, 1);
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
    },
  };
}

function checkOrigin(manifest: Manifest, batch: readonly DayResult[], allowMixed: boolean): void {
  for (const day of batch) {
    if (day.status !== 'ok') continue;
    if (manifest.origin === null) manifest.origin = day.origin;
    else if (manifest.origin !== day.origin && !allowMixed) throw new MixedOriginError(manifest.origin, day.origin);
  }
}

async function applyDay(
  input: LedgerRunInput,
  provider: ProviderQuery,
  day: DayOk,
  previous: Manifest['windows'][string][string] | undefined,
  provisional: boolean,
  nowIso: string,
  work: BatchWork,
  write: (step: () => Promise<string>) => Promise<void>,
) {
  const name = provider.source.provider;
  // Built here, one day at a time, and let go once the day's files are written.
  const { records, raw } = day.read();
  const snapshot = buildSnapshot({
    provider: name,
    date: day.date,
    origin: day.origin,
    endpoints: provider.endpoints,
    groupBy: provider.groupBy,
    records,
  });
  // Record by record: one 4 MB text would cost several times as much to make (see json.ts).
  const bytes = canonicalJsonBytesByElement(snapshot, 'records');
  const sha256 = sha256Hex(bytes);
  const transition = nextEntry(previous, { kind: 'fetched', sha256, tokens: snapshot.totals.tokens }, provisional, nowIso);
  const window: WindowReport = {
    provider: name,
    date: day.date,
    state: transition.entry.state,
    status: 'unchanged',
    tokens: snapshot.totals.tokens,
    tokenDelta: 0,
    cost: snapshot.totals.cost,
    records: snapshot.records.length,
  };
  let recordChanges = 0;
  if (transition.contentChanged) {
    // Read the old snapshot before replacing it: the diff is against what the ledger held.
    const old = previous?.sha256 ? await input.store.readSnapshot(name, day.date) : undefined;
    const before = old?.records ?? [];
    const tokensBefore = old ? old.totals.tokens : null;
    // A new window has nothing to compare with: its diff entry lists no record changes.
    const changes: RecordDiff = old ? diffRecords(before, snapshot.records) : { added: [], removed: [], changed: [] };
    window.status = old ? 'changed' : 'new';
    window.tokenDelta = snapshot.totals.tokens - (tokensBefore ?? 0);
    recordChanges = old ? changes.added.length + changes.removed.length + changes.changed.length : 0;
    for (const endpointDay of raw) await write(() => input.store.writeRaw(name, day.date, day.origin, endpointDay));
    await write(() => input.store.writeSnapshot(bytes, snapshot));
    work.diffWindows.push({
      provider: name,
      date: day.date,
      status: window.status,
      state: transition.entry.state,
      snapshot: ledgerPaths.snapshot(name, day.date),
      tokens_before: tokensBefore,
      tokens_after: snapshot.totals.tokens,
      token_delta: window.tokenDelta,
      records_before: before.length,
      records_after: snapshot.records.length,
      added: old ? changes.added : [],
      removed: changes.removed,
      changed: changes.changed,
    });
    if (transition.revisedAfterSettling && tokensBefore !== null && tokensBefore !== snapshot.totals.tokens) {
      const largest = largestTokenChange(changes);
      work.findings.push(
        tokenDriftFinding(name, day.date, tokensBefore, snapshot.totals.tokens, largest && {
          endpoint: largest.key.endpoint,
          model: largest.key.model,
          project_id: largest.key.project_id,
          api_key_id: largest.key.api_key_id,
          token_delta: largest.token_delta,
        }),
      );
    }
  }
  return { entry: transition.entry, window, recordChanges };
}

/** Repository-relative forward-slash path, as git and the outputs want it. */
export function toRepoPath(repoRoot: string, file: string): string {
  return path.relative(repoRoot, file).split(path.sep).join('/');
}
