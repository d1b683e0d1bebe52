import { describe, expect, it } from 'vitest';
import { type AlarmAction, planAlarms } from '../../src/domain/alarm-plan.js';
import { type AlarmContext } from '../../src/domain/alarm-body.js';
import { parseMarker } from '../../src/domain/alarm-marker.js';
import { type Finding, tokenDriftFinding } from '../../src/domain/findings.js';

const context = (now: string): AlarmContext => ({
  serverUrl: 'https://github.com',
  repository: 'acme/ledger',
  commitSha: 'a1b2c3d',
  diffFiles: ['ledger/diffs/2026-11-19.json'],
  runUrl: 'https://github.com/acme/ledger/actions/runs/42',
  command: 'sync',
  now,
});

const drift = tokenDriftFinding('openai', '2026-11-19', 100_000, 105_000);
const missing: Finding = {
  code: 'MISSING_WINDOW',
  severity: 'critical',
  provider: 'openai',
  windows: ['2026-11-18'],
  message: 'openai 2026-11-18: failed (HTTP 500)',
  figures: { state: 'failed', endpoint: '/v1/organization/usage/completions' },
};

/** A tiny GitHub: open issues by number, applying the plan the way the publisher does. */
class Issues {
  readonly open = new Map<number, { body: string; title: string; labels: string[] }>();
  readonly closed: number[] = [];
  readonly comments: Array<{ number: number; body: string }> = [];
  private next = 1;

  run(findings: readonly Finding[], now: string, clearRuns = 2): AlarmAction[] {
    const openIssues = [...this.open].map(([number, issue]) => ({ number, body: issue.body }));
    const actions = planAlarms({ findings, thresholdPercent: '2', clearRuns, openIssues, context: context(now) });
    for (const action of actions) {
      if (action.kind === 'open') {
        this.open.set(this.next, { body: action.body, title: action.title, labels: action.labels });
        this.next += 1;
        continue;
      }
      const issue = this.open.get(action.number);
      if (!issue) throw new Error(`no open issue #${action.number}`);
      issue.body = action.body;
      if (action.comment) this.comments.push({ number: action.number, body: action.comment });
      if (action.kind === 'close') {
        this.open.delete(action.number);
        this.closed.push(action.number);
      }
    }
    return actions;
  }

  marker(number: number): ReturnType<typeof parseMarker> {
    return parseMarker(this.open.get(number)?.body ?? '');
  }
}

describe('planAlarms lifecycle', () => {
  it('opens, counts clean runs, stays quiet on the same findings, comments on new figures, closes after two clean runs', () => {
    const issues = new Issues();

    const opened = issues.run([drift], '2026-11-19T06:00:00Z');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      kind: 'open',
      fingerprint: 'openai/TOKEN_DRIFT',
      title: 'Parity alarm: TOKEN_DRIFT on openai (2026-11-19)',
      labels: ['parity-alarm', 'provider:openai', 'severity:medium'],
    });
    expect(issues.marker(1)).toMatchObject({ fingerprint: 'openai/TOKEN_DRIFT', clean_runs: 0 });

    const firstClean = issues.run([], '2026-11-20T06:00:00Z');
    expect(firstClean).toEqual([expect.objectContaining({ kind: 'update', number: 1 })]);
    expect(firstClean[0]).not.toHaveProperty('comment');
    expect(issues.marker(1)?.clean_runs).toBe(1);
    expect(issues.open.get(1)?.body).toContain('clean for 1 of the 2');
    // The clean update keeps the findings that raised the alarm readable.
    expect(issues.open.get(1)?.body).toContain('| 2026-11-19 | medium | 100,000 | 105,000 | +5,000 | 5 |');

    const same = issues.run([structuredClone(drift)], '2026-11-21T06:00:00Z');
    expect(same).toEqual([expect.objectContaining({ kind: 'update', number: 1 })]);
    expect(same[0]).not.toHaveProperty('comment');
    expect(issues.marker(1)?.clean_runs).toBe(0);
    expect(issues.comments).toEqual([]);

    const moved = tokenDriftFinding('openai', '2026-11-19', 100_000, 107_000);
    const changed = issues.run([moved], '2026-11-22T06:00:00Z');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ kind: 'update', number: 1 });
    expect(issues.comments).toHaveLength(1);
    expect(issues.comments[0]?.body).toContain('107,000');
    expect(issues.open.get(1)?.body).toContain('107,000');

    expect(issues.run([], '2026-11-23T06:00:00Z')).toEqual([expect.objectContaining({ kind: 'update', number: 1 })]);
    expect(issues.comments).toHaveLength(1);
    // Restating the body replaces the marker and status line instead of stacking them.
    expect(issues.open.get(1)?.body.split('<!-- usage-ledger:alarm')).toHaveLength(2);
    expect(issues.open.get(1)?.body.split('**Status:**')).toHaveLength(2);
    const closing = issues.run([], '2026-11-24T06:00:00Z');
    expect(closing).toEqual([expect.objectContaining({ kind: 'close', number: 1 })]);
    expect(issues.closed).toEqual([1]);
    const comment = issues.comments[1]?.body ?? '';
    expect(comment).toContain('2 consecutive clean run(s)');
    expect(comment).toContain('back within the threshold');
    expect(comment).toContain('new alarm issue');
    expect(parseMarker(closing[0]?.body ?? '')?.clean_runs).toBe(2);

    // Recurring after the close opens a new issue: closed issues are not read again.
    expect(issues.run([drift], '2026-11-25T06:00:00Z')).toEqual([expect.objectContaining({ kind: 'open', title: 'Parity alarm: TOKEN_DRIFT on openai (2026-11-25)' })]);
  });

  it('closes on the first clean run when clearRuns is 1', () => {
    const issues = new Issues();
    issues.run([drift], '2026-11-19T06:00:00Z', 1);
    expect(issues.run([], '2026-11-20T06:00:00Z', 1)).toEqual([expect.objectContaining({ kind: 'close', number: 1 })]);
    expect(issues.open.size).toBe(0);
  });

  it('opens one issue per fingerprint and tracks each on its own', () => {
    const issues = new Issues();
    const actions = issues.run([drift, missing], '2026-11-19T06:00:00Z');
    expect(actions.map((action) => [action.kind, action.fingerprint])).toEqual([
      ['open', 'openai/MISSING_WINDOW'],
      ['open', 'openai/TOKEN_DRIFT'],
    ]);
    expect(actions[0]).toMatchObject({ labels: ['parity-alarm', 'provider:openai', 'severity:critical'] });
    // Only the drift persists: the missing window's alarm counts a clean run.
    const next = issues.run([drift], '2026-11-20T06:00:00Z');
    expect(next).toEqual([expect.objectContaining({ kind: 'update', number: 2 }), expect.objectContaining({ kind: 'update', number: 1 })]);
    expect(issues.marker(1)?.clean_runs).toBe(1);
    expect(issues.marker(2)?.clean_runs).toBe(0);
  });

  it('does nothing for findings below the threshold or issues it does not own', () => {
    const belowThreshold = tokenDriftFinding('openai', '2026-11-19', 100_000, 102_000);
    const handMade = { number: 7, body: 'Opened by hand, labelled parity-alarm, no marker.' };
    expect(planAlarms({ findings: [belowThreshold], thresholdPercent: '2', clearRuns: 2, openIssues: [handMade], context: context('2026-11-19T06:00:00Z') })).toEqual([]);
  });

  it('keeps the oldest of two open issues for one alarm and closes the other as its duplicate', () => {
    const issues = new Issues();
    issues.run([drift], '2026-11-19T06:00:00Z');
    const body = issues.open.get(1)?.body ?? '';
    issues.open.set(2, { body, title: 'dup', labels: [] });
    const actions = issues.run([drift], '2026-11-20T06:00:00Z');
    expect(actions).toEqual([expect.objectContaining({ kind: 'update', number: 1 }), expect.objectContaining({ kind: 'close', number: 2 })]);
    expect(issues.comments.at(-1)?.body).toContain('duplicate of #1');
  });

  it('refuses a clear-runs count below one', () => {
    expect(() => planAlarms({ findings: [], thresholdPercent: '2', clearRuns: 0, openIssues: [], context: context('2026-11-19T06:00:00Z') })).toThrow(RangeError);
  });
});
