// The heart of sync and backfill: fetch the planned days from each provider, turn every
// good day into a canonical snapshot, write only what changed (raw pages and snapshot,
// then a diff file, then the manifest last), and report findings. A failed day keeps its
// last good snapshot and is marked in the manifest; it is never written as zeros.

import path from 'node:path';
import { daysBetween } from '../core/dates.js';
import { type Finding, fetchFailureFinding } from '../core/findings.js';
import { canonicalJson } from '../core/json.js';
import { buildLedgerReadme } from '../core/ledger-readme.js';
import type { DataOrigin, DayResult, UsageSource } from '../core/usage-source.js';
import { nextEntry } from '../core/window-state.js';
import type { LedgerStore, Manifest } from '../ledger/store.js';
import type { Clock, Logger } from '../ports.js';
import type { BuiltDay, DayJob, WindowReport } from './build-day.js';
import { type DayBuilder, inlineDayBuilder } from './day-builders.js';

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
  /** Where days are built; inline when not given. */
  builder?: DayBuilder;
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
  const builder = input.builder ?? inlineDayBuilder;
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
      const batches = provider.source.fetchDays(input.dates)[Symbol.asyncIterator]();
      // With days built on a thread the engine thread mostly waits for them, so it fetches
      // and reads the next batch meanwhile. A batch's days hold their own parts: asking for
      // the next batch lets go of nothing they need.
      const prefetch = builder.capacity > 1;
      let coming: Promise<IteratorResult<DayResult[]>> | undefined = batches.next();
      while (coming !== undefined) {
        const { value: batch, done } = await coming;
        if (done) break;
        // The requests so far, for this batch's diff file: taken before the next batch's.
        const stats = copyStats(provider.stats());
        coming = prefetch ? handledLater(batches.next()) : undefined;
        checkOrigin(manifest, batch, input.allowMixedOrigin);
        const work: BatchWork = { diffWindows: [], findings: [] };
        let manifestChanged = false;
        // Days are built ahead of the one being written, as far as the builder has room,
        // and applied in order.
        const builds = new Map<number, Promise<BuiltDay>>();
        let ahead = 0;
        for (let index = 0; index < batch.length; index += 1) {
          for (; ahead < batch.length && ahead < index + builder.capacity; ahead += 1) {
            const next = batch[ahead] as DayResult;
            if (next.status !== 'ok') continue;
            const job: DayJob = {
              parts: next.parts,
              origin: next.origin,
              endpoints: provider.endpoints,
              groupBy: provider.groupBy,
              previous: windows[next.date],
              provisional: isProvisional(next.date, today, input.settleDays),
              nowIso,
              auditDir: store.auditDir,
            };
            const build = builder.build(job);
            // Awaited in turn below; a run that stops earlier must not leave it unhandled.
            build.catch(() => undefined);
            builds.set(ahead, build);
          }
          const day = batch[index] as DayResult;
          const previous = windows[day.date];
          if (day.status !== 'ok') {
            const provisional = isProvisional(day.date, today, input.settleDays);
            const transition = nextEntry(previous, { kind: 'failed', state: day.status, code: day.code, message: day.message }, provisional, nowIso);
            work.findings.push(fetchFailureFinding(name, day));
            manifestChanged ||= canonicalJson(previous ?? null) !== canonicalJson(transition.entry);
            windows[day.date] = transition.entry;
            result.windows.push({ provider: name, date: day.date, state: transition.entry.state, status: 'failed', tokens: previous?.tokens ?? null, tokenDelta: 0, cost: {}, records: 0 });
            continue;
          }
          const built = await (builds.get(index) as Promise<BuiltDay>);
          builds.delete(index);
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
        await writes.drain();
        result.findings.push(...work.findings);
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
        coming ??= batches.next();
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

function copyStats(stats: RequestStats): RequestStats {
  return { requests: stats.requests, retries: stats.retries, byLabel: { ...stats.byLabel }, rateLimitHeaders: [...stats.rateLimitHeaders] };
}

/** A promise awaited later, if at all: its rejection must not count as unhandled meanwhile. */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
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
