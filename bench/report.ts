// Judges measurements against their targets and prints them as one table, so every
// scenario is read the same way: requests = lower bound, wall <= N x floor, peak < M MiB.

import type { ScenarioMeasurement } from './scenario.js';

export interface Verdict {
  requests: boolean;
  ratio: boolean;
  peak: boolean;
  /** All targets met and no sanity problem. */
  pass: boolean;
}

export function judge(measurement: ScenarioMeasurement): Verdict {
  const requests = measurement.requests === measurement.lowerBound;
  const ratio = measurement.wallMs / measurement.floorMs <= measurement.targets.maxRatio;
  const peak = measurement.peakMiB < measurement.targets.maxPeakMiB;
  return { requests, ratio, peak, pass: requests && ratio && peak && measurement.problems.length === 0 };
}

const word = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}

export function formatReport(measurements: readonly ScenarioMeasurement[]): string {
  const header = ['scenario', 'requests', 'lower bound', 'wall ms', 'floor ms', 'ratio', 'peak MiB', 'requests=bound', 'wall<=max×floor', 'peak<max'];
  const rows = measurements.map((measurement) => {
    const verdict = judge(measurement);
    return [
      measurement.scenario,
      String(measurement.requests),
      String(measurement.lowerBound),
      measurement.wallMs.toFixed(0),
      measurement.floorMs.toFixed(0),
      (measurement.wallMs / measurement.floorMs).toFixed(2),
      measurement.peakMiB.toFixed(1),
      word(verdict.requests),
      word(verdict.ratio),
      word(verdict.peak),
    ];
  });
  const lines = [table([header, ...rows]), ''];
  for (const measurement of measurements) {
    lines.push(
      `${measurement.scenario}: targets requests = ${measurement.lowerBound}, wall <= ${measurement.targets.maxRatio}× floor, ` +
        `peak < ${measurement.targets.maxPeakMiB} MiB (medians)`,
    );
    for (const note of measurement.notes) lines.push(`  ${note}`);
    for (const problem of measurement.problems) lines.push(`  PROBLEM: ${problem}`);
  }
  const failed = measurements.filter((measurement) => !judge(measurement).pass).map((measurement) => measurement.scenario);
  lines.push('', failed.length === 0 ? 'result: PASS' : `result: FAIL (${failed.join(', ')})`);
  return lines.join('\n');
}
