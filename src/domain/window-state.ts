// How a window's manifest entry moves from one run to the next. Pure: the entry depends
// only on the previous entry, what this run fetched, and whether the day is still
// provisional, so an identical re-run yields an identical entry.

import { redactCredentialShapes } from './credential-shapes.js';
import type { FetchFailureCode } from './usage-source.js';

export type WindowState = 'provisional' | 'settled' | 'revised' | 'missing' | 'partial';

export interface ManifestEntry {
  state: WindowState;
  sha256: string | null;
  first_fetched_at: string | null;
  content_changed_at: string | null;
  settled_at: string | null;
  revisions: number;
  tokens: number | null;
  last_error?: { code: string; message: string; since: string };
}

export type WindowOutcome =
  | { kind: 'fetched'; sha256: string; tokens: number }
  | { kind: 'failed'; state: 'missing' | 'partial'; code: FetchFailureCode; message: string };

export interface Transition {
  entry: ManifestEntry;
  /** The snapshot's bytes differ from the previous good ones (or there were none). */
  contentChanged: boolean;
  /** A window that had settled changed content: every such revision is a finding. */
  revisedAfterSettling: boolean;
}

export function nextEntry(
  previous: ManifestEntry | undefined,
  outcome: WindowOutcome,
  provisional: boolean,
  nowIso: string,
): Transition {
  if (outcome.kind === 'failed') {
    const sameFailure = previous?.last_error?.code === outcome.code && previous.state === outcome.state;
    const entry: ManifestEntry = {
      state: outcome.state,
      sha256: previous?.sha256 ?? null,
      first_fetched_at: previous?.first_fetched_at ?? null,
      content_changed_at: previous?.content_changed_at ?? null,
      settled_at: previous?.settled_at ?? null,
      revisions: previous?.revisions ?? 0,
      tokens: previous?.tokens ?? null,
      last_error: {
        code: outcome.code,
        // The manifest is committed: a provider's words may carry part of a key.
        message: redactCredentialShapes(outcome.message),
        since: sameFailure && previous?.last_error ? previous.last_error.since : nowIso,
      },
    };
    return { entry, contentChanged: false, revisedAfterSettling: false };
  }

  const hadContent = previous?.sha256 != null;
  const contentChanged = previous?.sha256 !== outcome.sha256;
  const wasSettled = previous?.settled_at != null;
  const revisedAfterSettling = hadContent && contentChanged && wasSettled;
  let state: WindowState;
  if (provisional) state = revisedAfterSettling || previous?.state === 'revised' ? 'revised' : 'provisional';
  else state = revisedAfterSettling || previous?.state === 'revised' ? 'revised' : 'settled';
  const entry: ManifestEntry = {
    state,
    sha256: outcome.sha256,
    first_fetched_at: previous?.first_fetched_at ?? nowIso,
    content_changed_at: contentChanged ? nowIso : (previous?.content_changed_at ?? nowIso),
    settled_at: previous?.settled_at ?? (provisional ? null : nowIso),
    revisions: (previous?.revisions ?? 0) + (hadContent && contentChanged ? 1 : 0),
    tokens: outcome.tokens,
  };
  return { entry, contentChanged, revisedAfterSettling };
}
