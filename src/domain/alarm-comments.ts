// The words an alarm issue gets besides its body: the title it opens with, the comment
// when its findings change (comments notify, body edits do not, so they are kept for real
// changes), and the closing comment that says why it closed.

import type { AlarmContext } from './alarm-body.js';
import { code, FINDING_TABLE_HEADER, findingRow, inert, plainTitle, runLink, sortFindings, takeWithin } from './alarm-format.js';
import type { Finding } from './findings.js';

/** Comments have the same 65,536-character limit as bodies; a change note needs far less. */
export const ALARM_COMMENT_LIMIT = 20_000;

/** `Parity alarm: TOKEN_DRIFT on openai (2026-11-19)`, the date being the day it opened. */
export function alarmTitle(findings: readonly Finding[], fingerprint: string, now: string): string {
  const first = findings[0];
  const what = first ? `${first.code} on ${first.provider === null ? 'all providers' : plainTitle(first.provider, 60)}` : plainTitle(fingerprint, 80);
  const day = /^\d{4}-\d{2}-\d{2}/.exec(now)?.[0];
  return plainTitle(`Parity alarm: ${what}${day ? ` (${day})` : ''}`, 200);
}

/** Posted when an open alarm's findings differ from the ones it last reported. */
export function changedComment(findings: readonly Finding[], previousDigest: string, digest: string, context: AlarmContext): string {
  const head = [
    `The findings for this alarm changed in ${runLink(context.runUrl)} (${code(`usage-ledger ${context.command}`)} at ${code(context.now)}; digest ${code(previousDigest)} → ${code(digest)}). The body above now shows them; in short:`,
    '',
    ...FINDING_TABLE_HEADER,
  ].join('\n');
  const rows = sortFindings(findings).map(findingRow);
  const { kept, omitted } = takeWithin(rows.slice(0, 20), ALARM_COMMENT_LIMIT - head.length - 200);
  const more = rows.length - kept.length;
  const lines = [head, ...kept];
  if (more > 0 || omitted > 0) lines.push('', `…and ${more} more finding(s) in the issue body.`);
  return `${lines.join('\n')}\n`;
}

/** Posted when enough consecutive clean runs close the alarm: the evidence for closing. */
export function closingComment(input: { fingerprint: string; cleanRuns: number; clearRuns: number; thresholdPercent: string; lastDigest: string; context: AlarmContext }): string {
  const { context } = input;
  return [
    `Closing: ${input.cleanRuns} consecutive clean run(s) for ${inert(input.fingerprint, 80)} (${code(`--alarm-clear-runs ${input.clearRuns}`)}), the last being ${runLink(context.runUrl)} at ${code(context.now)}.`,
    '',
    `In those runs no finding for this alarm drifted above the ${code(`--drift-threshold ${input.thresholdPercent}`)} percent threshold and none was critical: the figures are back within the threshold. The findings that raised the alarm stay in the body above (digest ${code(input.lastDigest)}).`,
    '',
    'If the finding recurs, a new alarm issue will be opened.',
    '',
  ].join('\n');
}

/** Posted on a second open issue for the same alarm (a create whose answer was lost). */
export function duplicateComment(primary: number, fingerprint: string): string {
  return `Closing as a duplicate of #${primary}, which tracks the same alarm (${inert(fingerprint, 80)}).\n`;
}
