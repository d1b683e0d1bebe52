// What to do with alarm issues after a run, as data: which to open, which to update (and
// whether that deserves a comment), which to close. The state that carries over between
// runs lives only in each issue's marker, so the plan is a pure function of this run's
// findings and the open issues.

import { type AlarmContext, cleanStatus, closedStatus, renderAlarmBody, restateBody } from './alarm-body.js';
import { alarmTitle, changedComment, closingComment, duplicateComment } from './alarm-comments.js';
import { alarmingFindings, findingsDigest, groupByFingerprint, issueLabels } from './alarm-findings.js';
import { type AlarmMarker, parseMarker } from './alarm-marker.js';
import type { Finding } from './findings.js';

export type AlarmAction =
  | { kind: 'open'; fingerprint: string; title: string; body: string; labels: string[] }
  | { kind: 'update'; number: number; fingerprint: string; body: string; comment?: string }
  | { kind: 'close'; number: number; fingerprint: string; body: string; comment: string };

export interface AlarmPlanInput {
  findings: readonly Finding[];
  /** `--drift-threshold`, percent as a decimal string. */
  thresholdPercent: string;
  /** `--alarm-clear-runs`: consecutive clean runs that close an alarm (at least 1). */
  clearRuns: number;
  /** Open issues carrying the alarm label; those without a marker are not ours to manage. */
  openIssues: ReadonlyArray<{ number: number; body: string }>;
  context: AlarmContext;
}

interface MarkedIssue {
  number: number;
  body: string;
  marker: AlarmMarker;
}

/** Open issues with a marker, by fingerprint, oldest (lowest number) first. */
function issuesByFingerprint(openIssues: AlarmPlanInput['openIssues']): Map<string, MarkedIssue[]> {
  const byFingerprint = new Map<string, MarkedIssue[]>();
  for (const issue of [...openIssues].sort((left, right) => left.number - right.number)) {
    const marker = parseMarker(issue.body);
    if (!marker) continue;
    const list = byFingerprint.get(marker.fingerprint) ?? [];
    list.push({ number: issue.number, body: issue.body, marker });
    byFingerprint.set(marker.fingerprint, list);
  }
  return byFingerprint;
}

function alarmingActions(fingerprint: string, findings: Finding[], issues: readonly MarkedIssue[], input: AlarmPlanInput): AlarmAction[] {
  const digest = findingsDigest(findings);
  const marker: AlarmMarker = { v: 1, fingerprint, clean_runs: 0, findings: digest };
  const body = renderAlarmBody({ marker, findings, thresholdPercent: input.thresholdPercent, clearRuns: input.clearRuns, context: input.context });
  const [primary, ...duplicates] = issues;
  if (!primary) {
    return [{ kind: 'open', fingerprint, title: alarmTitle(findings, fingerprint, input.context.now), body, labels: issueLabels(findings) }];
  }
  const update: AlarmAction = { kind: 'update', number: primary.number, fingerprint, body };
  // A comment notifies every watcher: only when the findings moved, not on every run they persist.
  if (primary.marker.findings !== digest) update.comment = changedComment(findings, primary.marker.findings, digest, input.context);
  // A second open issue for the same alarm would split the discussion: keep the oldest.
  const closes = duplicates.map((duplicate): AlarmAction => ({
    kind: 'close',
    number: duplicate.number,
    fingerprint,
    body: restateBody(duplicate.body, duplicate.marker, `**Status:** closed as a duplicate of #${primary.number} at \`${input.context.now.replace(/`/g, '')}\`.`),
    comment: duplicateComment(primary.number, fingerprint),
  }));
  return [update, ...closes];
}

/** A run with no alarming finding for this issue's fingerprint counts towards closing it. */
function cleanAction(issue: MarkedIssue, input: AlarmPlanInput): AlarmAction {
  const cleanRuns = issue.marker.clean_runs + 1;
  const marker: AlarmMarker = { ...issue.marker, clean_runs: cleanRuns };
  const { fingerprint } = issue.marker;
  if (cleanRuns >= input.clearRuns) {
    return {
      kind: 'close',
      number: issue.number,
      fingerprint,
      body: restateBody(issue.body, marker, closedStatus(cleanRuns, input.context)),
      comment: closingComment({ fingerprint, cleanRuns, clearRuns: input.clearRuns, thresholdPercent: input.thresholdPercent, lastDigest: issue.marker.findings, context: input.context }),
    };
  }
  return { kind: 'update', number: issue.number, fingerprint, body: restateBody(issue.body, marker, cleanStatus(cleanRuns, input.clearRuns, input.context)) };
}

/**
 * The actions for this run: alarming fingerprints first (open or update), then the open
 * alarms this run found clean (update towards closing, or close), each in fingerprint
 * order. An alarm that closed and recurs opens a new issue: closed issues are not read.
 */
export function planAlarms(input: AlarmPlanInput): AlarmAction[] {
  if (!Number.isSafeInteger(input.clearRuns) || input.clearRuns < 1) throw new RangeError(`alarm clear runs must be a whole number of at least 1: ${input.clearRuns}`);
  const groups = groupByFingerprint(alarmingFindings(input.findings, input.thresholdPercent));
  const issues = issuesByFingerprint(input.openIssues);
  const actions: AlarmAction[] = [];
  for (const [fingerprint, findings] of groups) actions.push(...alarmingActions(fingerprint, findings, issues.get(fingerprint) ?? [], input));
  const clean = [...issues.keys()].filter((fingerprint) => !groups.has(fingerprint)).sort();
  for (const fingerprint of clean) for (const issue of issues.get(fingerprint) ?? []) actions.push(cleanAction(issue, input));
  return actions;
}
