import { describe, expect, it } from 'vitest';
import { emptyManifestContent, mergeManifests, type ManifestContent } from '../../src/domain/manifest-merge.js';
import type { ManifestEntry } from '../../src/domain/window-state.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

function entry(sha256: string | null, at: string, overrides: Partial<ManifestEntry> = {}): ManifestEntry {
  return { state: 'provisional', sha256, first_fetched_at: at, content_changed_at: at, settled_at: null, revisions: 0, tokens: 10, ...overrides };
}

function manifest(windows: ManifestContent['windows'], origin: ManifestContent['origin'] = 'simulator'): ManifestContent {
  return { schema_version: 1, origin, windows };
}

const T1 = '2026-11-20T06:00:00.000Z';
const T2 = '2026-11-21T06:00:00.000Z';

describe('mergeManifests', () => {
  it('takes each day from the side that changed it', () => {
    const base = manifest({ openai: { '2026-11-01': entry(A, T1) } });
    const ours = manifest({ openai: { '2026-11-01': entry(A, T1), '2026-11-21': entry(B, T2) } });
    const theirs = manifest({ openai: { '2026-11-01': entry(C, T2, { revisions: 1 }), '2026-11-20': entry(A, T1) } });

    const merged = mergeManifests(base, ours, theirs);

    expect(merged.conflicts).toEqual([]);
    expect(merged.originConflict).toBeNull();
    expect(merged.keptTheirs).toEqual([]);
    expect(merged.manifest).toEqual(
      manifest({ openai: { '2026-11-01': entry(C, T2, { revisions: 1 }), '2026-11-20': entry(A, T1), '2026-11-21': entry(B, T2) } }),
    );
  });

  it('merges two first writers of an empty ledger, providers included', () => {
    const ours = manifest({ openai: { '2026-11-21': entry(B, T2) } });
    const theirs = manifest({ anthropic: { '2026-11-20': entry(A, T1) } }, null);

    const merged = mergeManifests(emptyManifestContent(), ours, theirs);

    expect(merged.conflicts).toEqual([]);
    expect(merged.manifest).toEqual(manifest({ anthropic: { '2026-11-20': entry(A, T1) }, openai: { '2026-11-21': entry(B, T2) } }));
  });

  it('keeps theirs when both wrote the same content for a day, and says so', () => {
    const ours = manifest({ openai: { '2026-11-20': entry(A, T2, { state: 'settled', settled_at: T2 }) } });
    const theirs = manifest({ openai: { '2026-11-20': entry(A, T1) } });

    const merged = mergeManifests(emptyManifestContent(), ours, theirs);

    expect(merged.conflicts).toEqual([]);
    expect(merged.keptTheirs).toEqual([{ provider: 'openai', date: '2026-11-20' }]);
    expect(merged.manifest.windows.openai?.['2026-11-20']).toEqual(entry(A, T1));
  });

  it('reports a day both wrote with different content as a conflict', () => {
    const base = manifest({ openai: { '2026-11-19': entry(A, T1) } });
    const ours = manifest({ openai: { '2026-11-19': entry(A, T1), '2026-11-20': entry(B, T2) } });
    const theirs = manifest({ openai: { '2026-11-19': entry(C, T2), '2026-11-20': entry(C, T2) } });

    const merged = mergeManifests(base, ours, theirs);

    expect(merged.conflicts).toEqual([{ provider: 'openai', date: '2026-11-20' }]);
  });

  it('treats a day one side removed and the other changed as a conflict, and one both removed as gone', () => {
    const base = manifest({ openai: { '2026-11-19': entry(A, T1), '2026-11-20': entry(A, T1) } });
    const ours = manifest({ openai: { '2026-11-20': entry(B, T2) } });
    const theirs = manifest({ openai: {} });

    const merged = mergeManifests(base, ours, theirs);

    expect(merged.conflicts).toEqual([{ provider: 'openai', date: '2026-11-20' }]);
    expect(merged.manifest.windows.openai?.['2026-11-19']).toBeUndefined();
  });

  it('counts a changed failure record as a change, even with the hash kept', () => {
    const base = manifest({ openai: { '2026-11-20': entry(A, T1) } });
    const failed = entry(A, T1, { state: 'missing', last_error: { code: 'PROVIDER_ERROR', message: '500', since: T2 } });
    const ours = manifest({ openai: { '2026-11-20': failed } });

    expect(mergeManifests(base, ours, base).manifest.windows.openai?.['2026-11-20']).toEqual(failed);
  });

  it('takes the origin one side set, and flags two different origins', () => {
    const ours = manifest({}, null);
    expect(mergeManifests(emptyManifestContent(), ours, manifest({}, 'provider')).manifest.origin).toBe('provider');
    expect(mergeManifests(emptyManifestContent(), manifest({}, 'simulator'), manifest({}, null)).manifest.origin).toBe('simulator');

    const clash = mergeManifests(emptyManifestContent(), manifest({}, 'simulator'), manifest({}, 'provider'));
    expect(clash.originConflict).toEqual({ ours: 'simulator', theirs: 'provider' });
  });
});
