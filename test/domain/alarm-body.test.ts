import { describe, expect, it } from 'vitest';
import { ALARM_BODY_LIMIT, type AlarmContext, renderAlarmBody } from '../../src/domain/alarm-body.js';
import { type AlarmMarker } from '../../src/domain/alarm-marker.js';
import { findingsDigest } from '../../src/domain/alarm-findings.js';
import { planAlarms } from '../../src/domain/alarm-plan.js';
import { runUrlOf } from '../../src/domain/alarm-format.js';
import { addDays } from '../../src/domain/dates.js';
import { type Finding, tokenDriftFinding } from '../../src/domain/findings.js';

const context: AlarmContext = {
  serverUrl: 'https://github.com/',
  repository: 'acme/ledger',
  commitSha: '0123456789abcdef0123456789abcdef01234567',
  diffFiles: ['ledger/diffs/openai/2026-11-19.json', 'ledger/diffs/openai/with space (1).json'],
  runUrl: 'https://github.com/acme/ledger/actions/runs/42',
  command: 'sync',
  now: '2026-11-20T06:00:00.000Z',
};

function body(findings: readonly Finding[], overrides: Partial<AlarmContext> = {}, limit?: number): string {
  const marker: AlarmMarker = { v: 1, fingerprint: 'openai/TOKEN_DRIFT', clean_runs: 0, findings: findingsDigest(findings) };
  return renderAlarmBody({ marker, findings, thresholdPercent: '2', clearRuns: 2, context: { ...context, ...overrides } }, limit);
}

/** Table rows of the body: lines that start and end with a pipe. */
function tableRows(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('|') && line.endsWith('|'));
}

/** Cells of a row, honouring `\|` as an escaped pipe the way GFM does. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe('alarm body', () => {
  it('says what fired, with the figures of each window, the diff links and the response steps', () => {
    const text = body([tokenDriftFinding('openai', '2026-11-19', 100_000, 112_000), tokenDriftFinding('openai', '2026-11-18', 50_000, 49_000)]);
    expect(text).toContain('## Parity alarm: TOKEN_DRIFT on openai');
    expect(text).toContain('**Severity:** high');
    expect(text).toContain('| 2026-11-18 | medium | 50,000 | 49,000 | −1,000 | 2 |');
    expect(text).toContain('| 2026-11-19 | high | 100,000 | 112,000 | +12,000 | 12 |');
    expect(text.indexOf('2026-11-18 |')).toBeLessThan(text.indexOf('2026-11-19 |'));
    expect(text).toContain('(https://github.com/acme/ledger/blob/0123456789abcdef0123456789abcdef01234567/ledger/diffs/openai/2026-11-19.json)');
    expect(text).toContain('(https://github.com/acme/ledger/blob/0123456789abcdef0123456789abcdef01234567/ledger/diffs/openai/with%20space%20%281%29.json)');
    expect(text).toContain('[workflow run](https://github.com/acme/ledger/actions/runs/42)');
    for (const step of ['**Confirm**', 'dashboard or invoice', '**Pause the schedule**', 'Disable workflow', '**Escalate**', 'FinOps owner', '**Re-run**', 'workflow_dispatch', '**False positive?**', 'opens again as a new issue']) {
      expect(text).toContain(step);
    }
  });

  it('says the run did not commit when there is no commit to link', () => {
    const text = body([tokenDriftFinding('openai', '2026-11-19', 100_000, 112_000)], { commitSha: null });
    expect(text).toContain('did not commit');
    expect(text).not.toContain('/blob/');
  });

  it('builds the run link from a run id', () => {
    expect(runUrlOf('https://github.com/', 'acme/ledger', 42)).toBe('https://github.com/acme/ledger/actions/runs/42');
    expect(runUrlOf('javascript:alert(1)', 'acme/ledger', 42)).toBeUndefined();
  });

  it('renders hostile provider text inert: no tag, no mention, no link, table rows intact', () => {
    const hostile = '<img src=x onerror=alert(1)> @everyone | [click](https://evil.example) https://evil.example\r| x |';
    const finding: Finding = {
      ...tokenDriftFinding(hostile, '2026-11-19', 100_000, 112_000),
      message: `model ${hostile} drifted\n| forged | row |`,
      figures: { tokens_before: 100_000, tokens_after: 112_000, token_delta: 12_000, drift_pct: 12, model: hostile },
    };
    const actions = planAlarms({ findings: [finding], thresholdPercent: '2', clearRuns: 2, openIssues: [], context });
    const open = actions[0];
    if (open?.kind !== 'open') throw new Error('expected an open');
    for (const text of [open.body, open.title]) {
      expect(text).not.toMatch(/<img/i);
      expect(text).not.toMatch(/@everyone/);
      expect(text).not.toContain('](https://evil');
      expect(text).not.toMatch(/(?<!\\)https:\/\/evil/);
    }
    expect(open.body).not.toMatch(/<(?!!-- usage-ledger:alarm )/);
    // Label names go into a comma-separated query and are capped at 50 characters by GitHub.
    expect(open.labels[1]).toMatch(/^provider:[a-z0-9._-]{1,40}$/);
    expect(open.labels[1]).toContain('img-src-x-onerror');
    const rows = tableRows(open.body);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(cells(row)).toHaveLength(7);
    expect(rows[2]).toMatch(/^\| 2026-11-19 \| high \| 100,000 \| 112,000 \| \+12,000 \| 12 \| model /);
  });

  it('stays under the cap with 500 windows and says how many it left out', () => {
    const findings = Array.from({ length: 500 }, (_, index) => {
      const finding = tokenDriftFinding('openai', addDays('2025-01-01', index), 1_000_000, 1_100_000 + index);
      return { ...finding, message: `${finding.message} ${'detail '.repeat(30)}` };
    });
    const diffFiles = findings.map((finding) => `ledger/diffs/openai/${finding.windows[0]}.json`);
    const text = body(findings, { diffFiles });
    expect(text.length).toBeLessThanOrEqual(ALARM_BODY_LIMIT);
    expect(text.length).toBeGreaterThan(ALARM_BODY_LIMIT / 2);
    const shown = tableRows(text).length - 2;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(500);
    expect(text).toContain(`…and ${500 - shown} more finding(s) not shown here`);
    expect(text).toMatch(/- …and \d+ more diff file\(s\) in the same commit\./);
    expect(text).toContain('/blob/0123456789abcdef0123456789abcdef01234567/ledger/diffs/openai/2025-01-01.json');
    expect(text).toContain('### Response');
    expect(text).toContain('**False positive?**');
  });
});
