// Small Markdown pieces shared by the alarm body and comments: provider text made inert,
// figures formatted, links to the commit's files and to the run, and one table row per
// finding. Everything a provider said goes through `inert`.

import { isUtcDate } from './dates.js';
import type { Finding } from './findings.js';
import { escapeMarkdown } from './markdown.js';

/**
 * Provider text, shortened and escaped: no HTML, no mention, no link, no table break.
 * Shortened before escaping so an escape sequence is never cut in half, and by code point
 * so an emoji is never split into a lone surrogate.
 */
export function inert(text: string, maxChars = 200): string {
  const points = Array.from(text);
  const short = points.length > maxChars ? `${points.slice(0, maxChars).join('')}…` : text;
  return escapeMarkdown(short);
}

/** Code spans hold only our own text (commands, digests); a backtick in it would end the span. */
export function code(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, ' ')}\``;
}

function formatInteger(value: number): string {
  return value.toLocaleString('en-US');
}

/** A figure for a table cell: integers grouped, decimals as written, anything else inert. */
export function formatFigure(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? formatInteger(value) : String(value);
  if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value)) return value;
  return inert(String(value), 40);
}

/** A signed change, with a real minus sign so it cannot read as a list marker or a hyphen. */
export function formatDelta(value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value)) return formatFigure(value);
  if (value === 0) return '0';
  return value > 0 ? `+${formatInteger(value)}` : `−${formatInteger(-value)}`;
}

/** The before/after figures of a finding: tokens for TOKEN_DRIFT, else the first measured pair. */
function measuredPair(figures: Finding['figures']): { before: unknown; after: unknown; delta: unknown } {
  if ('tokens_before' in figures || 'tokens_after' in figures) {
    return { before: figures.tokens_before, after: figures.tokens_after, delta: figures.token_delta };
  }
  for (const key of Object.keys(figures).sort()) {
    if (!key.endsWith('_before')) continue;
    const name = key.slice(0, -'_before'.length);
    const before = figures[key];
    const after = figures[`${name}_after`];
    const delta = figures[`${name}_delta`] ?? (typeof before === 'number' && typeof after === 'number' ? after - before : undefined);
    return { before, after, delta };
  }
  return { before: undefined, after: undefined, delta: undefined };
}

/** Windows as dates when they are dates (ours always are); at most five, then a count. */
function formatWindows(windows: readonly string[]): string {
  const shown = windows.slice(0, 5).map((window) => (isUtcDate(window) ? window : inert(window, 20)));
  const more = windows.length - shown.length;
  return shown.length === 0 ? '–' : `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

export const FINDING_TABLE_HEADER = ['| window | severity | before | after | delta | drift % | detail |', '| --- | --- | ---: | ---: | ---: | ---: | --- |'];

export function findingRow(finding: Finding): string {
  const { before, after, delta } = measuredPair(finding.figures);
  const drift = 'drift_pct' in finding.figures ? formatFigure(finding.figures.drift_pct) : '–';
  return `| ${formatWindows(finding.windows)} | ${finding.severity} | ${formatFigure(before)} | ${formatFigure(after)} | ${formatDelta(delta)} | ${drift} | ${inert(finding.message)} |`;
}

/** Findings in a stable reading order: by first window, then most severe first. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  return [...findings].sort((left, right) => {
    const byWindow = (left.windows[0] ?? '').localeCompare(right.windows[0] ?? '');
    return byWindow !== 0 ? byWindow : rank[left.severity] - rank[right.severity];
  });
}

/**
 * Keeps lines, in order, while they fit in `budget` characters (each counted with its
 * newline); returns how many were left out so the caller can say so.
 */
export function takeWithin(lines: readonly string[], budget: number): { kept: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  return { kept, omitted: lines.length - kept.length };
}

// A URL becomes a Markdown link destination: anything that could end the destination or
// the link (spaces, parentheses, angle brackets, quotes) is percent-encoded.
function linkSafe(url: string): string {
  return url.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'*+,;=%]/g, (character) => encodeURIComponent(character)).replace(/[()]/g, (p) => (p === '(' ? '%28' : '%29'));
}

function segments(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map(encodeURIComponent)
    .join('/');
}

/** The GitHub base URL, or undefined when it is not plain http(s) (then nothing is linked). */
export function repositoryUrl(serverUrl: string, repository: string): string | undefined {
  const base = serverUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+$/.test(base) || !/^[^/\s]+\/[^/\s]+$/.test(repository)) return undefined;
  return linkSafe(`${base}/${segments(repository)}`);
}

/** `${serverUrl}/${repository}/blob/${sha}/${path}` with each path segment encoded. */
export function blobUrl(serverUrl: string, repository: string, ref: string, path: string): string | undefined {
  const base = repositoryUrl(serverUrl, repository);
  return base ? linkSafe(`${base}/blob/${segments(ref)}/${segments(path)}`) : undefined;
}

/** The Actions run page, for callers that have a run id rather than a URL. */
export function runUrlOf(serverUrl: string, repository: string, runId: string | number): string | undefined {
  const base = repositoryUrl(serverUrl, repository);
  return base ? `${base}/actions/runs/${encodeURIComponent(String(runId))}` : undefined;
}

/** A link to the run when there is one, else plain words. */
export function runLink(runUrl: string | undefined, text = 'this run'): string {
  return runUrl && /^https?:\/\//.test(runUrl) ? `[${text}](${linkSafe(runUrl)})` : text;
}

/**
 * A plain-text title line: no line breaks, no mentions, bounded length. Titles do not
 * honour backslash escapes, so tag brackets and backticks are swapped for lookalikes:
 * notifications, mail and chat integrations show titles with less care than GitHub does.
 */
export function plainTitle(text: string, maxChars: number): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/`/g, "'")
    .replace(/@/g, '@\u200b');
  const points = Array.from(flat);
  return points.length > maxChars ? `${points.slice(0, maxChars - 1).join('')}…` : flat;
}
