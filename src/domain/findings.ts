// Findings: what a run found wrong or worth review, in one vocabulary. Drift comparisons
// are exact (integer arithmetic against a decimal threshold), so "exactly the threshold"
// never alarms through a rounding accident.

import { redactCredentialShapes } from './credential-shapes.js';
import type { DayFailed } from './usage-source.js';

export const FINDING_CODES = [
  'TOKEN_DRIFT',
  'MISSING_WINDOW',
  'STALE_LEDGER',
  'RUN_DRIFT',
  'RUN_OVERLAP',
  'UNSCOPED_RUN',
  'BAD_RUN_RECORD',
  'COST_DRIFT',
  'PRICING_UNKNOWN',
  'SCOPE_MISSING',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
  'SCHEMA_MISMATCH',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  provider: string | null;
  /** UTC days (YYYY-MM-DD) the finding touches. */
  windows: string[];
  message: string;
  figures: Record<string, string | number | boolean | null>;
}

/** A decimal percentage such as "2" or "2.5" as an exact fraction numerator/10^scale. */
function scaledPercent(percent: string): { units: bigint; scale: bigint } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(percent);
  if (!match) throw new Error(`not a percentage: ${percent}`);
  const fraction = match[2] ?? '';
  return { units: BigInt((match[1] ?? '0') + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** True when |after - before| / before is strictly above `percent` percent. */
export function driftExceeds(before: number, after: number, percent: string): boolean {
  const change = BigInt(Math.abs(after - before));
  if (before === 0) return change > 0n;
  const { units, scale } = scaledPercent(percent);
  return change * 100n * scale > units * BigInt(before);
}

/** True when |after - before| / before is at least `percent` percent. */
function driftAtLeast(before: number, after: number, percent: string): boolean {
  const change = BigInt(Math.abs(after - before));
  if (before === 0) return change > 0n;
  const { units, scale } = scaledPercent(percent);
  return change * 100n * scale >= units * BigInt(before);
}

/** Drift in percent for display (4 decimals); null when there was nothing before. */
export function driftPercent(before: number, after: number): number | null {
  if (before === 0) return after === 0 ? 0 : null;
  return Math.round((Math.abs(after - before) / before) * 100 * 10_000) / 10_000;
}

/** Below 2% low, 2 to 10% medium, above 10% high. */
export function driftSeverity(before: number, after: number): Severity {
  if (!driftAtLeast(before, after, '2')) return 'low';
  if (!driftExceeds(before, after, '10')) return 'medium';
  return 'high';
}

/** The record that moved most, named in a drift finding so a reviewer knows where to look. */
export interface LargestChange {
  endpoint: string;
  model: string | null;
  project_id: string | null;
  api_key_id: string | null;
  token_delta: number;
}

export function tokenDriftFinding(provider: string, date: string, before: number, after: number, largest?: LargestChange): Finding {
  const percent = driftPercent(before, after);
  const where = largest
    ? `; largest change ${largest.token_delta > 0 ? '+' : ''}${largest.token_delta} tokens on ${largest.endpoint}${largest.model === null ? '' : ` model ${largest.model}`}${largest.project_id === null ? '' : ` project ${largest.project_id}`}`
    : '';
  return {
    code: 'TOKEN_DRIFT',
    severity: driftSeverity(before, after),
    provider,
    windows: [date],
    message: `${provider} ${date}: settled window's tokens changed from ${before} to ${after}${percent === null ? '' : ` (${percent}%)`} on re-fetch${where}`,
    figures: {
      tokens_before: before,
      tokens_after: after,
      token_delta: after - before,
      drift_pct: percent,
      ...(largest ? { largest_change_endpoint: largest.endpoint, largest_change_model: largest.model, largest_change_tokens: largest.token_delta } : {}),
    },
  };
}

/**
 * A window that could not be fetched is critical: the ledger has a hole there. The
 * message quotes the provider, so anything shaped like a credential is masked in it.
 */
export function fetchFailureFinding(provider: string, failure: DayFailed): Finding {
  return {
    code: failure.code,
    severity: 'critical',
    provider,
    windows: [failure.date],
    message: redactCredentialShapes(`${provider} ${failure.date}: ${failure.status} (${failure.message})`),
    figures: { state: failure.status, endpoint: failure.endpoint ?? null },
  };
}

/** How many findings of each code: each failure is one finding, counted once. */
export function countByCode(findings: readonly Finding[]): Partial<Record<FindingCode, number>> {
  const counts: Partial<Record<FindingCode, number>> = {};
  for (const finding of findings) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  return counts;
}

/** The largest drift percentage among TOKEN_DRIFT findings (0 when none). */
export function maxDriftPercent(findings: readonly Finding[]): number {
  let max = 0;
  for (const finding of findings) {
    const value = finding.figures.drift_pct;
    if (finding.code === 'TOKEN_DRIFT' && typeof value === 'number' && value > max) max = value;
  }
  return max;
}
