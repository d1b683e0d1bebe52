import { describe, expect, it } from 'vitest';
import { nextEntry } from '../../src/domain/window-state.js';

const T1 = '2026-11-20T01:00:00.000Z';
const T2 = '2026-11-21T01:00:00.000Z';
const T3 = '2026-11-22T01:00:00.000Z';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('nextEntry', () => {
  it('starts provisional within the settle window and settled outside it', () => {
    expect(nextEntry(undefined, { kind: 'fetched', sha256: A, tokens: 5 }, true, T1).entry).toMatchObject({ state: 'provisional', settled_at: null, revisions: 0, first_fetched_at: T1 });
    expect(nextEntry(undefined, { kind: 'fetched', sha256: A, tokens: 5 }, false, T1).entry).toMatchObject({ state: 'settled', settled_at: T1, revisions: 0 });
  });

  it('is unchanged by an identical re-fetch', () => {
    const first = nextEntry(undefined, { kind: 'fetched', sha256: A, tokens: 5 }, false, T1).entry;
    const second = nextEntry(first, { kind: 'fetched', sha256: A, tokens: 5 }, false, T2);
    expect(second.entry).toEqual(first);
    expect(second.contentChanged).toBe(false);
  });

  it('counts provisional growth as revisions but not as revised; a change after settling is revised', () => {
    const provisional = nextEntry(undefined, { kind: 'fetched', sha256: A, tokens: 5 }, true, T1).entry;
    const grown = nextEntry(provisional, { kind: 'fetched', sha256: B, tokens: 9 }, true, T2);
    expect(grown.entry).toMatchObject({ state: 'provisional', revisions: 1, content_changed_at: T2 });
    expect(grown.revisedAfterSettling).toBe(false);
    const settled = nextEntry(grown.entry, { kind: 'fetched', sha256: B, tokens: 9 }, false, T3).entry;
    expect(settled).toMatchObject({ state: 'settled', settled_at: T3 });
    const revised = nextEntry(settled, { kind: 'fetched', sha256: A, tokens: 5 }, false, T3);
    expect(revised.entry).toMatchObject({ state: 'revised', revisions: 2 });
    expect(revised.revisedAfterSettling).toBe(true);
  });

  it('keeps the last good hash on failure and the first failure time while it repeats', () => {
    const good = nextEntry(undefined, { kind: 'fetched', sha256: A, tokens: 5 }, false, T1).entry;
    const failed = nextEntry(good, { kind: 'failed', state: 'partial', code: 'PROVIDER_ERROR', message: 'repeated cursor' }, false, T2).entry;
    expect(failed).toMatchObject({ state: 'partial', sha256: A, tokens: 5, last_error: { code: 'PROVIDER_ERROR', since: T2 } });
    const again = nextEntry(failed, { kind: 'failed', state: 'partial', code: 'PROVIDER_ERROR', message: 'repeated cursor' }, false, T3).entry;
    expect(again).toEqual(failed);
    const recovered = nextEntry(again, { kind: 'fetched', sha256: A, tokens: 5 }, false, T3);
    expect(recovered.entry.state).toBe('settled');
    expect(recovered.entry.last_error).toBeUndefined();
    expect(recovered.contentChanged).toBe(false);
  });
});
