// Three-way merge of ledger manifests, for two publishers that wrote the ledger at once.
// The manifest is one entry per provider and day, so it merges entry by entry: a day
// only one side touched is taken from that side, and only a day both sides wrote with
// different content is a real conflict. Pure: no I/O.

import { canonicalJson } from '../lib/json/json.js';
import type { DataOrigin } from './usage-source.js';
import type { ManifestEntry } from './window-state.js';

export interface ManifestContent {
  schema_version: 1;
  origin: DataOrigin | null;
  windows: Record<string, Record<string, ManifestEntry>>;
}

export interface LedgerDay {
  provider: string;
  date: string;
}

export interface ManifestMerge {
  /** The merged manifest; only to be used when `conflicts` is empty and `originConflict` null. */
  manifest: ManifestContent;
  /** Days both sides wrote with different content. */
  conflicts: LedgerDay[];
  /** Both sides set a different origin: simulated and real data would be mixed. */
  originConflict: { ours: DataOrigin; theirs: DataOrigin } | null;
  /**
   * Days both sides wrote with the same content, where their entry was kept: the day's
   * files must then be theirs too, so the manifest describes exactly what is on disk.
   */
  keptTheirs: LedgerDay[];
}

export function emptyManifestContent(): ManifestContent {
  return { schema_version: 1, origin: null, windows: {} };
}

/**
 * Merges `ours` and `theirs`, both descended from `base` (an empty manifest when there was
 * none). On days both changed with the same sha256, theirs wins: it is already published
 * and describes the same bytes.
 */
export function mergeManifests(base: ManifestContent, ours: ManifestContent, theirs: ManifestContent): ManifestMerge {
  const windows: Record<string, Record<string, ManifestEntry>> = {};
  const conflicts: LedgerDay[] = [];
  const keptTheirs: LedgerDay[] = [];

  for (const provider of sortedUnion(Object.keys(ours.windows), Object.keys(theirs.windows))) {
    const baseDays = base.windows[provider] ?? {};
    const ourDays = ours.windows[provider] ?? {};
    const theirDays = theirs.windows[provider] ?? {};
    const merged: Record<string, ManifestEntry> = {};
    for (const date of sortedUnion(Object.keys(baseDays), Object.keys(ourDays), Object.keys(theirDays))) {
      const outcome = mergeEntry(baseDays[date], ourDays[date], theirDays[date]);
      if (outcome.kind === 'conflict') conflicts.push({ provider, date });
      else {
        if (outcome.kind === 'same-content') keptTheirs.push({ provider, date });
        if (outcome.entry !== undefined) merged[date] = outcome.entry;
      }
    }
    // A provider with no days left stays only if both sides still list it.
    if (Object.keys(merged).length > 0 || (provider in ours.windows && provider in theirs.windows)) windows[provider] = merged;
  }

  const origin = mergeOrigin(ours.origin, theirs.origin);
  return {
    manifest: { schema_version: 1, origin: origin.value, windows },
    conflicts,
    originConflict: origin.conflict,
    keptTheirs,
  };
}

type EntryOutcome =
  | { kind: 'taken'; entry: ManifestEntry | undefined }
  | { kind: 'same-content'; entry: ManifestEntry }
  | { kind: 'conflict' };

function mergeEntry(
  base: ManifestEntry | undefined,
  ours: ManifestEntry | undefined,
  theirs: ManifestEntry | undefined,
): EntryOutcome {
  if (sameEntry(ours, base) || sameEntry(ours, theirs)) return { kind: 'taken', entry: theirs };
  if (sameEntry(theirs, base)) return { kind: 'taken', entry: ours };
  if (ours !== undefined && theirs !== undefined && ours.sha256 === theirs.sha256) return { kind: 'same-content', entry: theirs };
  return { kind: 'conflict' };
}

function sameEntry(a: ManifestEntry | undefined, b: ManifestEntry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

function mergeOrigin(
  ours: DataOrigin | null,
  theirs: DataOrigin | null,
): { value: DataOrigin | null; conflict: ManifestMerge['originConflict'] } {
  if (ours === null || ours === theirs) return { value: theirs, conflict: null };
  if (theirs === null) return { value: ours, conflict: null };
  return { value: theirs, conflict: { ours, theirs } };
}

function sortedUnion(...lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}
