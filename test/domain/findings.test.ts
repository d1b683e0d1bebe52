import { describe, expect, it } from 'vitest';
import { countByCode, driftExceeds, driftSeverity, maxDriftPercent, tokenDriftFinding } from '../../src/domain/findings.js';

describe('drift', () => {
  it('compares against the threshold exactly: equal does not exceed, just above does', () => {
    expect(driftExceeds(10_000, 10_200, '2')).toBe(false);
    expect(driftExceeds(10_000, 10_201, '2')).toBe(true);
    expect(driftExceeds(10_000, 9_800, '2')).toBe(false);
    expect(driftExceeds(10_000, 9_799, '2')).toBe(true);
    expect(driftExceeds(1_000, 1_025, '2.5')).toBe(false);
    expect(driftExceeds(1_000, 1_026, '2.5')).toBe(true);
    expect(driftExceeds(0, 1, '2')).toBe(true);
  });

  it('grades severity: below 2% low, 2 to 10% medium, above 10% high', () => {
    expect(driftSeverity(100_000, 101_999)).toBe('low');
    expect(driftSeverity(100_000, 102_000)).toBe('medium');
    expect(driftSeverity(100_000, 110_000)).toBe('medium');
    expect(driftSeverity(100_000, 110_001)).toBe('high');
  });

  it('reports the figures behind a TOKEN_DRIFT and counts by code', () => {
    const finding = tokenDriftFinding('openai', '2026-11-19', 100_000, 103_000);
    expect(finding).toMatchObject({ code: 'TOKEN_DRIFT', severity: 'medium', windows: ['2026-11-19'] });
    expect(finding.figures).toEqual({ tokens_before: 100_000, tokens_after: 103_000, token_delta: 3_000, drift_pct: 3 });
    expect(maxDriftPercent([finding, tokenDriftFinding('openai', '2026-11-18', 1000, 1001)])).toBe(3);
    expect(countByCode([finding, finding])).toEqual({ TOKEN_DRIFT: 2 });
  });
});
