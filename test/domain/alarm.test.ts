import { describe, expect, it } from 'vitest';
import { ALARM_LABEL, alarmingFindings, alarmLabels, findingsDigest, fingerprintOf } from '../../src/domain/alarm-findings.js';
import { parseMarker, renderMarker, type AlarmMarker } from '../../src/domain/alarm-marker.js';
import { renderAlarmBody } from '../../src/domain/alarm-body.js';
import { type Finding, tokenDriftFinding } from '../../src/domain/findings.js';

const critical = (code: Finding['code'], provider: string | null, date: string): Finding => ({
  code,
  severity: 'critical',
  provider,
  windows: [date],
  message: `${provider ?? 'all'} ${date}: ${code}`,
  figures: { state: 'failed', endpoint: null },
});

describe('alarmingFindings', () => {
  it('alarms strictly above the threshold: exactly at it does not, one token more does', () => {
    const atThreshold = tokenDriftFinding('openai', '2026-11-19', 10_000, 10_200);
    const justAbove = tokenDriftFinding('openai', '2026-11-19', 10_000, 10_201);
    const downJustAbove = tokenDriftFinding('openai', '2026-11-19', 10_000, 9_799);
    expect(alarmingFindings([atThreshold], '2')).toEqual([]);
    expect(alarmingFindings([justAbove], '2')).toEqual([justAbove]);
    expect(alarmingFindings([downJustAbove], '2')).toEqual([downJustAbove]);
    expect(alarmingFindings([tokenDriftFinding('openai', '2026-11-19', 1_000, 1_025)], '2.5')).toEqual([]);
    expect(alarmingFindings([tokenDriftFinding('openai', '2026-11-19', 1_000, 1_026)], '2.5')).toHaveLength(1);
  });

  it('always alarms on a critical finding, never on a low drift or a non-critical finding without figures', () => {
    const missing = critical('MISSING_WINDOW', 'openai', '2026-11-18');
    const stale = critical('STALE_LEDGER', null, '2026-11-18');
    const low = tokenDriftFinding('openai', '2026-11-19', 100_000, 101_000);
    expect(low.severity).toBe('low');
    const overlap: Finding = { code: 'RUN_OVERLAP', severity: 'medium', provider: 'openai', windows: ['2026-11-19'], message: 'overlap', figures: { runs: 2 } };
    expect(alarmingFindings([low, overlap, missing, stale], '2')).toEqual([missing, stale]);
    // A critical finding alarms however high the drift threshold is set.
    expect(alarmingFindings([missing], '1000')).toEqual([missing]);
  });

  it('compares other drift codes exactly when they carry before/after figures, decimals included', () => {
    const cost = (before: string, after: string): Finding => ({
      code: 'COST_DRIFT',
      severity: 'medium',
      provider: 'openai',
      windows: ['2026-11-19'],
      message: 'cost moved',
      figures: { cost_before: before, cost_after: after, drift_pct: 2 },
    });
    expect(alarmingFindings([cost('10.00', '10.20')], '2')).toEqual([]);
    expect(alarmingFindings([cost('10.00', '10.2001')], '2')).toHaveLength(1);
    const bare: Finding = { code: 'RUN_DRIFT', severity: 'high', provider: 'openai', windows: [], message: 'run drift', figures: { drift_pct: 50 } };
    expect(alarmingFindings([bare], '2')).toEqual([]);
  });

  it('refuses a threshold that is not a percentage instead of silencing every alarm', () => {
    expect(() => alarmingFindings([], 'two')).toThrow(RangeError);
    expect(() => alarmingFindings([], '-1')).toThrow(RangeError);
  });
});

describe('fingerprints, digests and labels', () => {
  it('fingerprints by provider and code, "all" for no provider', () => {
    expect(fingerprintOf(tokenDriftFinding('openai', '2026-11-19', 1, 2))).toBe('openai/TOKEN_DRIFT');
    expect(fingerprintOf(critical('STALE_LEDGER', null, '2026-11-19'))).toBe('all/STALE_LEDGER');
  });

  it('digests the same findings the same in any order, and differently when a figure moves', () => {
    const a = tokenDriftFinding('openai', '2026-11-18', 100_000, 103_000);
    const b = tokenDriftFinding('openai', '2026-11-19', 100_000, 105_000);
    expect(findingsDigest([a, b])).toMatch(/^[0-9a-f]{16}$/);
    expect(findingsDigest([a, b])).toBe(findingsDigest([b, a]));
    expect(findingsDigest([a, b])).toBe(findingsDigest([structuredClone(b), structuredClone(a)]));
    expect(findingsDigest([a, tokenDriftFinding('openai', '2026-11-19', 100_000, 105_001)])).not.toBe(findingsDigest([a, b]));
    expect(findingsDigest([a])).not.toBe(findingsDigest([a, b]));
    // A fetch failure's message can carry a request id: it must not make every run look new.
    const failure = critical('MISSING_WINDOW', 'openai', '2026-11-18');
    expect(findingsDigest([{ ...failure, message: 'request req_2' }])).toBe(findingsDigest([failure]));
  });

  it('lists the labels the opened issues need, once each', () => {
    const labels = alarmLabels([
      tokenDriftFinding('openai', '2026-11-19', 100_000, 120_000),
      critical('MISSING_WINDOW', 'openai', '2026-11-18'),
      critical('STALE_LEDGER', null, '2026-11-18'),
    ]);
    expect(labels.map((label) => label.name)).toEqual([ALARM_LABEL, 'provider:all', 'severity:critical', 'provider:openai', 'severity:high']);
    for (const label of labels) expect(label.color).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe('marker', () => {
  const marker: AlarmMarker = { v: 1, fingerprint: 'openai/TOKEN_DRIFT', clean_runs: 1, findings: '0123456789abcdef' };

  it('round-trips through an issue body', () => {
    const rendered = renderMarker(marker);
    expect(rendered).toBe('<!-- usage-ledger:alarm {"v":1,"fingerprint":"openai/TOKEN_DRIFT","clean_runs":1,"findings":"0123456789abcdef"} -->');
    expect(parseMarker(`${rendered}\n**Status:** alarming\n\nbody`)).toEqual(marker);
    expect(parseMarker(`\r\n${rendered}\r\nbody`)).toEqual(marker);
  });

  it('keeps a fingerprint that contains comment syntax inside the comment', () => {
    const hostile: AlarmMarker = { ...marker, fingerprint: 'evil --> <!-- x/TOKEN_DRIFT' };
    const rendered = renderMarker(hostile);
    expect(rendered.indexOf('-->')).toBe(rendered.length - 3);
    expect(rendered.slice(4)).not.toContain('<!--');
    expect(parseMarker(rendered)).toEqual(hostile);
  });

  it('ignores bodies without a marker, malformed markers and other versions', () => {
    expect(parseMarker('')).toBeUndefined();
    expect(parseMarker('An issue someone opened by hand with the parity-alarm label.')).toBeUndefined();
    expect(parseMarker('<!-- usage-ledger:alarm {"v":1,"fingerprint": -->')).toBeUndefined();
    expect(parseMarker('<!-- usage-ledger:alarm {not json} -->')).toBeUndefined();
    expect(parseMarker(renderMarker({ ...marker, findings: 'short' }))).toBeUndefined();
    expect(parseMarker(renderMarker({ ...marker, clean_runs: -1 }))).toBeUndefined();
    expect(parseMarker(renderMarker(marker).replace('"v":1', '"v":2'))).toBeUndefined();
    expect(parseMarker(`text first\n${renderMarker(marker)}`)).toBeUndefined();
  });

  it('cannot be forged or closed early by provider text in the body', () => {
    const forged = renderMarker({ v: 1, fingerprint: 'openai/TOKEN_DRIFT', clean_runs: 99, findings: 'ffffffffffffffff' });
    const finding: Finding = { ...tokenDriftFinding('openai', '2026-11-19', 100_000, 110_000), message: `--> ${forged} <!--` };
    const real: AlarmMarker = { v: 1, fingerprint: 'openai/TOKEN_DRIFT', clean_runs: 0, findings: findingsDigest([finding]) };
    const context = { serverUrl: 'https://github.com', repository: 'acme/ledger', commitSha: null, diffFiles: [], command: 'sync', now: '2026-11-20T06:00:00Z' };
    const body = renderAlarmBody({ marker: real, findings: [finding], thresholdPercent: '2', clearRuns: 2, context });
    expect(parseMarker(body)).toEqual(real);
    // The only comment syntax in the whole body is the real marker's own.
    expect(body.split('<!--')).toHaveLength(2);
    expect(body.split('-->')).toHaveLength(2);
    // Without the real marker on top, the forged text is not a marker either.
    expect(parseMarker(body.slice(body.indexOf('\n') + 1))).toBeUndefined();
  });
});
