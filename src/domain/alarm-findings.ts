// Which findings raise a parity alarm, which alarm (fingerprint) each belongs to, and a
// stable digest of an alarm's findings. The digest lets a later run tell "the same
// findings again" (no new comment, no noise for on-call) from "the figures moved".

import { driftExceeds, type Finding, type Severity } from './findings.js';

export const ALARM_LABEL = 'parity-alarm';

const PERCENT_PATTERN = /^\d+(?:\.\d+)?$/;
const DECIMAL_PATTERN = /^-?\d+(?:\.\d+)?$/;
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** A figure as an exact decimal, or undefined when it is not one (null, text, NaN...). */
function decimalOf(value: unknown): { digits: bigint; scale: number } | undefined {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return undefined;
    return { digits: BigInt(value), scale: 0 };
  }
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value)) return undefined;
  const [whole = '', fraction = ''] = value.replace('-', '').split('.');
  const digits = BigInt(whole + fraction);
  return { digits: value.startsWith('-') ? -digits : digits, scale: fraction.length };
}

/**
 * Whether a before/after pair drifts strictly above the threshold. Decimal figures (costs)
 * are brought to a common integer scale first, which leaves the ratio unchanged, so the
 * same exact comparison as TOKEN_DRIFT applies. Figures that cannot be compared exactly
 * (missing, negative, too large) never alarm on drift.
 */
function pairExceeds(before: unknown, after: unknown, thresholdPercent: string): boolean {
  const from = decimalOf(before);
  const to = decimalOf(after);
  if (!from || !to || from.digits < 0n || to.digits < 0n) return false;
  const scale = Math.max(from.scale, to.scale);
  const scaledFrom = from.digits * 10n ** BigInt(scale - from.scale);
  const scaledTo = to.digits * 10n ** BigInt(scale - to.scale);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (scaledFrom > limit || scaledTo > limit) return false;
  return driftExceeds(Number(scaledFrom), Number(scaledTo), thresholdPercent);
}

/** True when any `<name>_before` / `<name>_after` pair of figures drifts above the threshold. */
function anyPairExceeds(figures: Finding['figures'], thresholdPercent: string): boolean {
  for (const key of Object.keys(figures).sort()) {
    if (!key.endsWith('_before')) continue;
    const afterKey = `${key.slice(0, -'_before'.length)}_after`;
    if (afterKey in figures && pairExceeds(figures[key], figures[afterKey], thresholdPercent)) return true;
  }
  return false;
}

function driftAlarms(finding: Finding, thresholdPercent: string): boolean {
  if (finding.code === 'TOKEN_DRIFT') {
    return pairExceeds(finding.figures.tokens_before, finding.figures.tokens_after, thresholdPercent);
  }
  // Other drift codes (RUN_DRIFT, COST_DRIFT) are compared only when they say they measure a
  // drift and carry the figures to check it exactly; a bare percentage is display-rounded.
  if (!('drift_pct' in finding.figures)) return false;
  return anyPairExceeds(finding.figures, thresholdPercent);
}

/**
 * The findings that raise an alarm: every critical one (the ledger has a hole, or the
 * provider could not be read), and every drift strictly above `thresholdPercent` percent.
 * Exactly at the threshold does not alarm. Throws on a threshold that is not a plain
 * non-negative decimal, so a typo in `--drift-threshold` cannot silence every alarm.
 */
export function alarmingFindings(findings: readonly Finding[], thresholdPercent: string): Finding[] {
  if (!PERCENT_PATTERN.test(thresholdPercent)) throw new RangeError(`drift threshold is not a percentage: ${thresholdPercent}`);
  return findings.filter((finding) => finding.severity === 'critical' || driftAlarms(finding, thresholdPercent));
}

/** One alarm (one issue) per provider and code; findings for no single provider are "all". */
export function fingerprintOf(finding: Finding): string {
  return `${finding.provider ?? 'all'}/${finding.code}`;
}

/** Findings by fingerprint, fingerprints in sorted order so the plan is deterministic. */
export function groupByFingerprint(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = fingerprintOf(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return new Map([...groups].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

export function highestSeverity(findings: readonly Finding[]): Severity {
  let highest: Severity = 'low';
  for (const finding of findings) if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[highest]) highest = finding.severity;
  return highest;
}

/**
 * A finding's stable content as canonical text. The message is left out on purpose: it is
 * prose derived from the figures, and a fetch failure's message can carry request ids that
 * change on every attempt, which would post a "findings changed" comment on every run.
 */
function canonicalFinding(finding: Finding): string {
  const figures = Object.keys(finding.figures)
    .sort()
    .map((key) => [key, finding.figures[key] ?? null]);
  return JSON.stringify([finding.code, finding.severity, finding.provider, [...finding.windows].sort(), figures]);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over UTF-8: not cryptographic, only a change detector for our own text. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/** 16 hex digits, the same for the same findings in any order, different when a figure moves. */
export function findingsDigest(findings: readonly Finding[]): string {
  return fnv1a64(findings.map(canonicalFinding).sort().join('\n'));
}

// Label names are part of the issues-list query (comma-separated), and GitHub caps them at
// 50 characters: keep only characters that are safe in both.
function labelSafe(text: string): string {
  const safe = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 40).replace(/^-+|-+$/g, '');
  return safe || 'unknown';
}

export function providerLabel(provider: string | null): string {
  return `provider:${labelSafe(provider ?? 'all')}`;
}

export function severityLabel(severity: Severity): string {
  return `severity:${severity}`;
}

/** The labels an alarm issue opens with, for one fingerprint's findings. */
export function issueLabels(findings: readonly Finding[]): string[] {
  return [ALARM_LABEL, providerLabel(findings[0]?.provider ?? null), severityLabel(highestSeverity(findings))];
}

const SEVERITY_COLORS: Record<Severity, string> = { low: '0e8a16', medium: 'fbca04', high: 'd93f0b', critical: 'b60205' };

/**
 * The labels that the issues opened for `findings` (pass the alarming ones) need, for
 * ensureLabels: the alarm label, one per provider, one per highest severity.
 */
export function alarmLabels(findings: readonly Finding[]): Array<{ name: string; color: string; description: string }> {
  const labels = new Map<string, { name: string; color: string; description: string }>();
  labels.set(ALARM_LABEL, { name: ALARM_LABEL, color: 'b60205', description: 'usage-ledger parity alarm: provider figures drifted or went missing' });
  for (const group of groupByFingerprint(findings).values()) {
    const provider = providerLabel(group[0]?.provider ?? null);
    if (!labels.has(provider)) {
      labels.set(provider, { name: provider, color: 'c5def5', description: 'usage-ledger alarm for this provider' });
    }
    const severity = highestSeverity(group);
    const name = severityLabel(severity);
    if (!labels.has(name)) labels.set(name, { name, color: SEVERITY_COLORS[severity], description: `usage-ledger alarm severity: ${severity}` });
  }
  return [...labels.values()];
}
