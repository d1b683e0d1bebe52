// Parity alarms as GitHub issues: found by label and hidden marker (never by title), one
// per fingerprint, opened, updated, commented and closed as planAlarms decides. A create
// whose answer was lost is looked for again before it is tried again.

import { ALARM_LABEL, alarmLabels, alarmingFindings } from '../domain/alarm-findings.js';
import { type AlarmAction, planAlarms } from '../domain/alarm-plan.js';
import { type AlarmContext } from '../domain/alarm-body.js';
import { parseMarker } from '../domain/alarm-marker.js';
import type { Finding, FindingCode } from '../domain/findings.js';
import type { Logger } from '../ports.js';
import { GitHubError, type GitHubPort, type IssueRef } from '../adapters/github/port.js';

export type AlarmOperation = 'opened' | 'updated' | 'closed' | 'skipped' | 'none';

export interface AlarmResult {
  operation: AlarmOperation;
  issueNumber: number | null;
  actions: AlarmAction[];
}

const PRECEDENCE: AlarmOperation[] = ['opened', 'updated', 'closed', 'skipped', 'none'];

function fingerprintCode(fingerprint: string): string {
  return fingerprint.slice(fingerprint.indexOf('/') + 1);
}

async function openOnce(github: GitHubPort, action: Extract<AlarmAction, { kind: 'open' }>, attempts = 3): Promise<IssueRef> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await github.createIssue({ title: action.title, body: action.body, labels: action.labels });
    } catch (error) {
      if (!(error instanceof GitHubError) || !error.uncertain || attempt >= attempts) throw error;
      const open = await github.listIssues({ labels: [ALARM_LABEL], state: 'open' });
      const stored = open.find((issue) => parseMarker(issue.body)?.fingerprint === action.fingerprint);
      if (stored) return stored;
    }
  }
}

/**
 * Applies this run's findings to the alarm issues. Only fingerprints whose code this
 * command evaluates can be judged clean: an hourly reconcile says nothing about token
 * drift in the daily ledger, so it must not count toward closing a drift alarm.
 */
export async function publishAlarms(options: {
  github: GitHubPort | undefined;
  findings: readonly Finding[];
  evaluatedCodes: ReadonlySet<FindingCode>;
  thresholdPercent: string;
  clearRuns: number;
  context: AlarmContext;
  logger: Logger;
}): Promise<AlarmResult> {
  const alarming = alarmingFindings(options.findings, options.thresholdPercent);
  if (!options.github) {
    if (alarming.length === 0) return { operation: 'none', issueNumber: null, actions: [] };
    options.logger.warning(`${alarming.length} finding(s) pass the alarm threshold, but there is no GitHub token to open an alarm issue (set github-token, with issues: write)`);
    return { operation: 'skipped', issueNumber: null, actions: [] };
  }
  const github = options.github;
  const open = await github.listIssues({ labels: [ALARM_LABEL], state: 'open' });
  const judged = open.filter((issue) => {
    const marker = parseMarker(issue.body);
    return marker !== undefined && options.evaluatedCodes.has(fingerprintCode(marker.fingerprint) as FindingCode);
  });
  const actions = planAlarms({
    findings: options.findings,
    thresholdPercent: options.thresholdPercent,
    clearRuns: options.clearRuns,
    openIssues: judged.map((issue) => ({ number: issue.number, body: issue.body })),
    context: options.context,
  });
  if (actions.some((action) => action.kind === 'open')) await github.ensureLabels(alarmLabels(alarming));

  const done: Array<{ operation: AlarmOperation; number: number }> = [];
  for (const action of actions) {
    if (action.kind === 'open') {
      const issue = await openOnce(github, action);
      options.logger.info(`Opened parity alarm #${issue.number} (${action.fingerprint})`);
      done.push({ operation: 'opened', number: issue.number });
    } else if (action.kind === 'update') {
      await github.updateIssue(action.number, { body: action.body });
      if (action.comment) await github.createComment(action.number, action.comment);
      done.push({ operation: 'updated', number: action.number });
    } else {
      await github.createComment(action.number, action.comment);
      await github.updateIssue(action.number, { body: action.body, state: 'closed' });
      options.logger.info(`Closed parity alarm #${action.number} after ${options.clearRuns} clean run(s)`);
      done.push({ operation: 'closed', number: action.number });
    }
  }
  done.sort((a, b) => PRECEDENCE.indexOf(a.operation) - PRECEDENCE.indexOf(b.operation));
  const first = done[0];
  return { operation: first?.operation ?? 'none', issueNumber: first?.number ?? null, actions };
}
