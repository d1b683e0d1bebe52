// One good day, from the parts it arrived in to the ledger files it needs: the snapshot
// (canonical bytes and their hash), its manifest entry, and when its content changed, the
// raw files, the diff entry against the snapshot the ledger held, and any drift finding.
// Everything but writing, which update-ledger.ts does in order.

import { diffRecords, largestTokenChange, type RecordDiff } from '../domain/diff.js';
import { type Finding, tokenDriftFinding } from '../domain/findings.js';
import { canonicalJsonBytes } from '../lib/json/json.js';
import { buildSnapshot } from '../domain/snapshot.js';
import type { DataOrigin, DayParts } from '../domain/usage-source.js';
import { type ManifestEntry, nextEntry, type WindowState } from '../domain/window-state.js';
import { ledgerPaths } from '../adapters/ledger-fs/paths.js';
import { type LedgerStore, type PreparedFile, prepareRawFile, prepareSnapshotFile, sha256Hex } from '../adapters/ledger-fs/store.js';
import { readDayContent } from '../adapters/openai/day-content.js';

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

export interface DayJob {
  parts: DayParts;
  origin: DataOrigin;
  /** The endpoints and grouping the snapshot records as its query. */
  endpoints: readonly string[];
  groupBy: Readonly<Record<string, readonly string[]>>;
  /** The day's manifest entry before this run. */
  previous: ManifestEntry | undefined;
  provisional: boolean;
  nowIso: string;
  /** The ledger, whose snapshot of the day is read to diff against. */
  store: LedgerStore;
}

export interface BuiltDay {
  entry: ManifestEntry;
  window: WindowReport;
  /** Records added, removed or changed against the snapshot the ledger held. */
  recordChanges: number;
  /** To write, in this order (raw files, then the snapshot); empty when nothing changed. */
  files: PreparedFile[];
  diffWindow?: object;
  finding?: Finding;
}

export async function buildDay(job: DayJob): Promise<BuiltDay> {
  const { parts } = job;
  const { provider, date } = parts;
  const content = readDayContent(parts);
  const { records } = content;
  const snapshot = buildSnapshot({ provider, date, origin: job.origin, endpoints: job.endpoints, groupBy: job.groupBy, records });
  const bytes = canonicalJsonBytes(snapshot);
  const sha256 = sha256Hex(bytes);
  const transition = nextEntry(job.previous, { kind: 'fetched', sha256, tokens: snapshot.totals.tokens }, job.provisional, job.nowIso);
  const built: BuiltDay = {
    entry: transition.entry,
    window: {
      provider,
      date,
      state: transition.entry.state,
      status: 'unchanged',
      tokens: snapshot.totals.tokens,
      tokenDelta: 0,
      cost: snapshot.totals.cost,
      records: snapshot.records.length,
    },
    recordChanges: 0,
    files: [],
  };
  const { store } = job;
  // Unchanged content is written again when the file the entry names is gone or altered.
  if (!transition.contentChanged && (await store.snapshotSha256(provider, date)) === sha256) return built;

  built.files = [...content.raw.map((endpointDay) => prepareRawFile(provider, date, job.origin, endpointDay)), prepareSnapshotFile(bytes, snapshot)];
  const old = job.previous?.sha256 ? await store.readSnapshot(provider, date) : undefined;
  const before = old?.records ?? [];
  const tokensBefore = old ? old.totals.tokens : null;
  // A new window has nothing to compare with: its diff entry lists no record changes.
  const changes: RecordDiff = old ? diffRecords(before, snapshot.records) : { added: [], removed: [], changed: [] };
  const { window } = built;
  window.status = old ? 'changed' : 'new';
  window.tokenDelta = snapshot.totals.tokens - (tokensBefore ?? 0);
  built.recordChanges = old ? changes.added.length + changes.removed.length + changes.changed.length : 0;
  built.diffWindow = {
    provider,
    date,
    status: window.status,
    state: transition.entry.state,
    snapshot: ledgerPaths.snapshot(provider, date),
    tokens_before: tokensBefore,
    tokens_after: snapshot.totals.tokens,
    token_delta: window.tokenDelta,
    records_before: before.length,
    records_after: snapshot.records.length,
    added: old ? changes.added : [],
    removed: changes.removed,
    changed: changes.changed,
  };
  if (transition.revisedAfterSettling && tokensBefore !== null && tokensBefore !== snapshot.totals.tokens) {
    const largest = largestTokenChange(changes);
    built.finding = tokenDriftFinding(provider, date, tokensBefore, snapshot.totals.tokens, largest && {
      endpoint: largest.key.endpoint,
      model: largest.key.model,
      project_id: largest.key.project_id,
      api_key_id: largest.key.api_key_id,
      token_delta: largest.token_delta,
    });
  }
  return built;
}
