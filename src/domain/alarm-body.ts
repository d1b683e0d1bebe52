// The issue body of a parity alarm: the marker and a status line on top, then what fired,
// the affected windows with their figures, the evidence (diff files at the commit, the
// run), and what on-call does about it. Size-capped: the windows table gives way first,
// and says how much it left out.

import { type AlarmMarker, renderMarker, stripMarker } from './alarm-marker.js';
import { blobUrl, code, FINDING_TABLE_HEADER, findingRow, inert, runLink, sortFindings, takeWithin } from './alarm-format.js';
import { highestSeverity } from './alarm-findings.js';
import type { Finding } from './findings.js';

/** GitHub refuses bodies over 65,536 characters; stay well under it. */
export const ALARM_BODY_LIMIT = 60_000;

export interface AlarmContext {
  serverUrl: string;
  repository: string;
  /** The commit this run wrote (or the ref to link to); null when the run did not commit. */
  commitSha: string | null;
  /** Diff files this run wrote, relative to the repository root. */
  diffFiles: string[];
  runUrl?: string;
  /** The usage-ledger command that ran, e.g. "sync". */
  command: string;
  /** When the run happened, ISO 8601. */
  now: string;
}

export interface AlarmBodyInput {
  marker: AlarmMarker;
  /** This alarm's findings (one fingerprint). */
  findings: readonly Finding[];
  thresholdPercent: string;
  clearRuns: number;
  context: AlarmContext;
}

const STATUS_PREFIX = '**Status:**';

export function alarmingStatus(context: AlarmContext): string {
  return `${STATUS_PREFIX} alarming, last seen by ${runLink(context.runUrl)} at ${code(context.now)}.`;
}

export function cleanStatus(cleanRuns: number, clearRuns: number, context: AlarmContext): string {
  return `${STATUS_PREFIX} clean for ${cleanRuns} of the ${clearRuns} consecutive run(s) needed to close, last checked by ${runLink(context.runUrl)} at ${code(context.now)}.`;
}

export function closedStatus(cleanRuns: number, context: AlarmContext): string {
  return `${STATUS_PREFIX} closed after ${cleanRuns} consecutive clean run(s), by ${runLink(context.runUrl)} at ${code(context.now)}.`;
}

/**
 * An existing body with a new marker and status line, the rest kept as it was: a clean
 * run has no findings of its own to show, and the ones that raised the alarm stay readable.
 */
export function restateBody(previousBody: string, marker: AlarmMarker, status: string): string {
  let rest = stripMarker(previousBody);
  if (rest.startsWith(STATUS_PREFIX)) rest = rest.replace(/^[^\n]*\n?(?:\r?\n)?/, '');
  const body = `${renderMarker(marker)}\n${status}\n\n${rest}`;
  return body.length <= ALARM_BODY_LIMIT ? body : capBody(body, ALARM_BODY_LIMIT);
}

/** Last resort for a body that grew past the cap (someone edited it): cut at a line. */
function capBody(body: string, limit: number): string {
  const note = '\n\n…(cut to fit GitHub\'s size limit; see the diff files)\n';
  const cut = body.lastIndexOf('\n', limit - note.length);
  return `${body.slice(0, cut > 0 ? cut : limit - note.length)}${note}`;
}

function whatFired(input: AlarmBodyInput): string[] {
  const { findings, marker } = input;
  const first = findings[0];
  const provider = first?.provider === null || first === undefined ? 'all providers' : inert(first.provider, 60);
  const windows = new Set(findings.flatMap((finding) => finding.windows));
  return [
    `## Parity alarm: ${first?.code ?? inert(marker.fingerprint, 80)} on ${provider}`,
    '',
    `- **Code:** ${first?.code ?? '–'}`,
    `- **Severity:** ${highestSeverity(findings)} (highest of ${findings.length} finding(s))`,
    `- **Provider:** ${provider}`,
    `- **Windows affected:** ${windows.size}`,
    `- **Why it fired:** drift strictly above the ${code(`--drift-threshold ${input.thresholdPercent}`)} percent threshold, or a critical finding (a missing window, a stale ledger, a fetch that failed).`,
    `- **Detected by:** ${code(`usage-ledger ${input.context.command}`)} in ${runLink(input.context.runUrl)} at ${code(input.context.now)}.`,
    '',
  ];
}

/** Diff file links at the commit, or why there are none. */
function evidenceLines(context: AlarmContext, budget: number): string[] {
  const lines = ['### Evidence', ''];
  if (context.commitSha === null) {
    lines.push('This run did not commit (a dry run, or nothing changed in the ledger), so there are no diff files to link; the figures above are what it fetched.');
  } else if (context.diffFiles.length === 0) {
    lines.push(`This run committed ${code(context.commitSha)} without diff files.`);
  } else {
    lines.push(`Diff files in commit ${code(context.commitSha)}:`, '');
    const links = context.diffFiles.map((path) => {
      const url = blobUrl(context.serverUrl, context.repository, context.commitSha ?? '', path);
      return url ? `- [${inert(path, 300)}](${url})` : `- ${inert(path, 300)}`;
    });
    const { kept, omitted } = takeWithin(links, budget);
    lines.push(...kept);
    if (omitted > 0) lines.push(`- …and ${omitted} more diff file(s) in the same commit.`);
  }
  lines.push('', `Run: ${runLink(context.runUrl, context.runUrl ? 'workflow run' : 'no run link was given')}`, '');
  return lines;
}

function responseLines(clearRuns: number): string[] {
  return [
    '### Response',
    '',
    "1. **Confirm** the affected windows against the provider's usage dashboard or invoice. If the provider now reports the new figures, it restated usage and the ledger is right: tell the FinOps owner.",
    "2. **Pause the schedule** if the data source is wrong (wrong key, project or organization; an API change): disable the workflow (Actions → the workflow → ⋯ → Disable workflow, or `gh workflow disable` with the workflow's name) so no further run commits bad data.",
    '3. **Escalate** to the provider (a support ticket with the window dates and the figures above) or to the FinOps owner when the drift is real and reaches billing.',
    `4. **Re-run** once fixed: enable the workflow again and start it with workflow_dispatch (\`gh workflow run\` with the workflow's name). This issue closes by itself after ${clearRuns} consecutive clean run(s).`,
    '5. **False positive?** Comment with the reason (for example a known provider restatement) and close this issue. If the finding recurs, the alarm opens again as a new issue.',
    '',
  ];
}

/** The whole body of an alarm issue, under `limit` characters however many findings there are. */
export function renderAlarmBody(input: AlarmBodyInput, limit = ALARM_BODY_LIMIT): string {
  const head = [renderMarker(input.marker), alarmingStatus(input.context), '', ...whatFired(input), '### Affected windows', '', ...FINDING_TABLE_HEADER].join('\n');
  const response = responseLines(input.clearRuns).join('\n');
  // The diff links are the evidence: they get up to a quarter of the room before the table.
  const evidence = evidenceLines(input.context, Math.floor(limit / 4)).join('\n');
  const overflowRoom = 200;
  const rowBudget = limit - head.length - evidence.length - response.length - overflowRoom;
  const rows = sortFindings(input.findings).map(findingRow);
  const { kept, omitted } = takeWithin(rows, Math.max(0, rowBudget));
  const table = [...kept];
  if (omitted > 0) table.push('', `…and ${omitted} more finding(s) not shown here, to stay within GitHub's size limit; the diff files and the run hold all of them.`);
  const body = [head, ...table, '', evidence, response].join('\n');
  return body.length <= limit ? body : capBody(body, limit);
}
