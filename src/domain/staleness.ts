// STALE_LEDGER: a schedule or a secret that stopped working shows up as a ledger whose
// newest good day falls behind. Any command checks it, so the next run of anything
// notices. An empty ledger is not stale: it has not started yet.

import { addDays, daysBetween } from './dates.js';
import type { Finding } from './findings.js';

const GOOD_STATES = new Set(['provisional', 'settled', 'revised']);

export function staleLedgerFindings(
  windows: Readonly<Record<string, Readonly<Record<string, { state: string }>>>>,
  today: string,
  staleAfterDays: number,
): Finding[] {
  const findings: Finding[] = [];
  for (const [provider, days] of Object.entries(windows)) {
    const good = Object.keys(days).filter((date) => GOOD_STATES.has(days[date]!.state));
    if (good.length === 0) continue;
    const newest = good.reduce((latest, date) => (date > latest ? date : latest));
    const behind = daysBetween(newest, today);
    if (behind <= staleAfterDays) continue;
    findings.push({
      code: 'STALE_LEDGER',
      severity: 'critical',
      provider,
      windows: [newest],
      message: `${provider}: the newest successfully fetched day is ${newest}, ${behind} days before today (${today}); the schedule or its secret may have stopped working`,
      figures: { newest_day: newest, days_behind: behind, stale_after_days: staleAfterDays, expected_by: addDays(newest, staleAfterDays) },
    });
  }
  return findings;
}
