// Markdown for people: the job summary of a ledger run. Pure functions of the run's
// results, size-capped, with every piece of provider text escaped so it renders inert.

import type { Finding } from './findings.js';

export interface SummaryWindow {
  provider: string;
  date: string;
  state: string;
  status: string;
  tokens: number | null;
  tokenDelta: number;
  cost: Record<string, string>;
}

export interface RunSummaryInput {
  command: string;
  dryRun: boolean;
  windows: readonly SummaryWindow[];
  findings: readonly Finding[];
  requests: { total: number; retries: number };
  commitSha?: string | null;
  /** Repository-relative paths of the diff files this run wrote. */
  diffFiles: readonly string[];
  /** Where the commit can be read; without it, files are named but not linked. */
  links?: { serverUrl: string; repository: string } | undefined;
  pullRequest?: { number: number; url: string; operation: string } | undefined;
  alarm?: { operation: string; issueNumber: number | null } | undefined;
}

/** GitHub refuses a pull request body or issue body over 65,536 characters. */
export const GITHUB_BODY_LIMIT = 65_536;

function fileLink(file: string, input: RunSummaryInput): string {
  if (!input.links || !input.commitSha) return `\`${file}\``;
  const { serverUrl, repository } = input.links;
  return `[\`${file}\`](${serverUrl.replace(/\/+$/, '')}/${repository}/blob/${input.commitSha}/${file})`;
}

/** GitHub's limit for a job summary or a pull request body is larger; stay well under it. */
export const SUMMARY_LIMIT = 60_000;

/**
 * Escapes text so Markdown, HTML and @-mentions in it are shown literally. `>` is left to
 * its entity alone: a backslash before the entity would show "&gt;" instead of ">". `:`
 * is escaped so "https://..." cannot become an autolink. Every line ending (a lone CR
 * too) becomes a space, so the text cannot end a table row.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200b')
    .replace(/\r\n?|\n/g, ' ');
}

function formatInteger(value: number): string {
  return value.toLocaleString('en-US');
}

function formatDelta(value: number): string {
  if (value === 0) return '0';
  return value > 0 ? `+${formatInteger(value)}` : `−${formatInteger(-value)}`;
}

function formatCost(cost: Record<string, string>): string {
  const entries = Object.entries(cost);
  if (entries.length === 0) return '';
  return entries.map(([currency, amount]) => `${amount} ${currency.toUpperCase()}`).join(', ');
}

function tokensChart(windows: readonly SummaryWindow[]): string[] {
  const days = windows.filter((window) => window.tokens !== null);
  if (days.length < 2) return [];
  const labels = days.map((window) => `"${window.date.slice(5)}"`).join(', ');
  const values = days.map((window) => String(window.tokens)).join(', ');
  return ['```mermaid', 'xychart-beta', '  title "Tokens per day"', `  x-axis [${labels}]`, `  y-axis "tokens"`, `  bar [${values}]`, '```', ''];
}

/** Appends table rows while they fit, then says how many were left out and where to find them. */
function appendRows(body: string, rows: readonly string[], limit: number, what: string, where: string): string {
  let text = body;
  let shown = 0;
  for (const row of rows) {
    if (text.length + row.length + 1 + 300 > limit) break;
    text += `\n${row}`;
    shown += 1;
  }
  if (shown < rows.length) text += `\n\n…and ${rows.length - shown} more ${what}; ${where}.`;
  return text;
}

export function buildRunSummary(input: RunSummaryInput, limit = SUMMARY_LIMIT): string {
  const changed = input.windows.filter((window) => window.status === 'new' || window.status === 'changed').length;
  const failed = input.windows.filter((window) => window.status === 'failed').length;
  const lines: string[] = [
    `## usage-ledger ${input.command}${input.dryRun ? ' (dry run: nothing written)' : ''}`,
    '',
    `${input.windows.length} window(s): ${changed} changed, ${failed} failed; ${input.requests.total} provider request(s), ${input.requests.retries} retried.`,
    '',
  ];
  if (input.commitSha) lines.push(`Committed \`${input.commitSha}\`.`, '');
  if (input.pullRequest) lines.push(`Pull request [#${input.pullRequest.number}](${input.pullRequest.url}) ${input.pullRequest.operation}.`, '');
  if (input.alarm && input.alarm.operation !== 'none') {
    lines.push(input.alarm.issueNumber === null ? `Parity alarm: ${input.alarm.operation} (no GitHub token to open an issue).` : `Parity alarm #${input.alarm.issueNumber} ${input.alarm.operation}.`, '');
  }
  const diffList = input.diffFiles.length > 0 ? ['', '### Diff files', '', ...input.diffFiles.map((file) => `- ${fileLink(file, input)}`)].join('\n') : '';
  // The diff links and the chart are the evidence: reserve room for them before the tables.
  const provider = input.windows[0]?.provider;
  const chart = tokensChart(input.windows.filter((window) => window.provider === provider).slice(-62)).join('\n');
  const budget = limit - diffList.length - chart.length - 2;
  let body = lines.join('\n');
  if (input.findings.length > 0) {
    body += '\n### Findings\n\n| code | severity | windows | detail |\n| --- | --- | --- | --- |';
    const rows = input.findings.map((finding) => `| ${finding.code} | ${finding.severity} | ${finding.windows.join(', ')} | ${escapeMarkdown(finding.message)} |`);
    body = appendRows(body, rows, budget, 'finding(s)', 'see the diff files');
    body += '\n';
  }
  if (chart) body += `\n${chart}`;
  body += '\n### Windows\n\n| provider | day | state | change | tokens | Δ tokens | cost |\n| --- | --- | --- | --- | ---: | ---: | ---: |';
  const rows = input.windows.map(
    (window) =>
      `| ${escapeMarkdown(window.provider)} | ${window.date} | ${window.state} | ${window.status} | ${window.tokens === null ? '–' : formatInteger(window.tokens)} | ${formatDelta(window.tokenDelta)} | ${formatCost(window.cost)} |`,
  );
  body = appendRows(body, rows, budget, 'window(s)', 'see the diff files');
  return `${body}${diffList}\n`;
}

export interface ReconcileSummaryInput {
  runs: ReadonlyArray<{ id: string; outcome: string; ageMinutes: number; tokensIn: number; tokensOut: number }>;
  findings: readonly Finding[];
  requests: number;
  commitSha: string | null;
  listed: boolean;
}

export function buildReconcileSummary(input: ReconcileSummaryInput, limit = SUMMARY_LIMIT): string {
  const count = (outcome: string): number => input.runs.filter((run) => run.outcome === outcome).length;
  const lines = [
    `## usage-ledger reconcile${input.listed ? ' --list' : ''}`,
    '',
    `${input.runs.length} run(s): ${count('reconciled')} reconciled, ${count('too-young') + count('data_not_available')} waiting for provider data, ` +
      `${count('failed') + count('bad')} failed; ${input.requests} provider request(s).`,
    '',
  ];
  if (input.commitSha) lines.push(`Committed \`${input.commitSha}\`.`, '');
  if (input.findings.length > 0) {
    lines.push('### Findings', '', '| code | severity | detail |', '| --- | --- | --- |');
    for (const finding of input.findings) lines.push(`| ${finding.code} | ${finding.severity} | ${escapeMarkdown(finding.message)} |`);
    lines.push('');
  }
  lines.push('### Runs', '', '| run | outcome | age (min) | tokens in | tokens out |', '| --- | --- | ---: | ---: | ---: |');
  let body = lines.join('\n');
  let shown = 0;
  for (const run of input.runs) {
    const row = `\n| ${escapeMarkdown(run.id)} | ${run.outcome} | ${run.ageMinutes} | ${formatInteger(run.tokensIn)} | ${formatInteger(run.tokensOut)} |`;
    if (body.length + row.length + 100 > limit) break;
    body += row;
    shown += 1;
  }
  if (shown < input.runs.length) body += `\n\n…and ${input.runs.length - shown} more run(s).`;
  return `${body}\n`;
}
