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
  diffFiles: readonly string[];
}

/** GitHub's limit for a job summary or a pull request body is larger; stay well under it. */
export const SUMMARY_LIMIT = 60_000;

/** Escapes text so Markdown, HTML and @-mentions in it are shown literally. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|>~]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
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
  if (input.findings.length > 0) {
    lines.push('### Findings', '', '| code | severity | windows | detail |', '| --- | --- | --- | --- |');
    for (const finding of input.findings) {
      lines.push(`| ${finding.code} | ${finding.severity} | ${finding.windows.join(', ')} | ${escapeMarkdown(finding.message)} |`);
    }
    lines.push('');
  }
  const provider = input.windows[0]?.provider;
  lines.push(...tokensChart(input.windows.filter((window) => window.provider === provider)));
  const header = ['### Windows', '', '| provider | day | state | change | tokens | Δ tokens | cost |', '| --- | --- | --- | --- | ---: | ---: | ---: |'];
  const footer: string[] = [];
  if (input.diffFiles.length > 0) footer.push('', 'Diff files:', ...input.diffFiles.map((file) => `- \`${file}\``));
  let body = [...lines, ...header].join('\n');
  let shown = 0;
  for (const window of input.windows) {
    const row = `\n| ${escapeMarkdown(window.provider)} | ${window.date} | ${window.state} | ${window.status} | ${window.tokens === null ? '–' : formatInteger(window.tokens)} | ${formatDelta(window.tokenDelta)} | ${formatCost(window.cost)} |`;
    if (body.length + row.length + 200 > limit) break;
    body += row;
    shown += 1;
  }
  if (shown < input.windows.length) body += `\n\n…and ${input.windows.length - shown} more window(s); see the diff files.`;
  const tail = footer.join('\n');
  if (body.length + tail.length + 1 <= limit) body += tail;
  return `${body}\n`;
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
