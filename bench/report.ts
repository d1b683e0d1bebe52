// Judges measurements against their targets and prints them as one table, so every
// scenario is read the same way: requests = lower bound, wall <= N x floor and/or
// CPU < N ms (whichever the scenario measures; '-' otherwise), peak < M MiB.

import type { ScenarioMeasurement } from './scenario.js';

export interface Verdict {
  requests: boolean;
  /** Undefined when the scenario has no such target. */
  ratio: boolean | undefined;
  cpu: boolean | undefined;
  peak: boolean;
  /** All targets met and no sanity problem. */
  pass: boolean;
}

export function judge(measurement: ScenarioMeasurement): Verdict {
  const requests = measurement.requests === measurement.lowerBound;
  const { floorMs, cpuMs, targets } = measurement;
  const ratio = floorMs === undefined || targets.maxRatio === undefined ? undefined : measurement.wallMs / floorMs <= targets.maxRatio;
  const cpu = cpuMs === undefined || targets.maxCpuMs === undefined ? undefined : cpuMs < targets.maxCpuMs;
  const peak = measurement.peakMiB < targets.maxPeakMiB;
  return { requests, ratio, cpu, peak, pass: requests && ratio !== false && cpu !== false && peak && measurement.problems.length === 0 };
}

const word = (ok: boolean | undefined): string => (ok === undefined ? '-' : ok ? 'PASS' : 'FAIL');
const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}

export function formatReport(measurements: readonly ScenarioMeasurement[]): string {
  const header = ['scenario', 'requests', 'lower bound', 'wall ms', 'floor ms', 'ratio', 'cpu ms', 'peak MiB', 'requests=bound', 'wall<=max×floor', 'cpu<max', 'peak<max'];
  const rows = measurements.map((measurement) => {
    const verdict = judge(measurement);
    const { floorMs } = measurement;
    return [
      measurement.scenario,
      String(measurement.requests),
      String(measurement.lowerBound),
      measurement.wallMs.toFixed(0),
      fixed(floorMs, 0),
      fixed(floorMs === undefined ? undefined : measurement.wallMs / floorMs, 2),
      fixed(measurement.cpuMs, 0),
      measurement.peakMiB.toFixed(1),
      word(verdict.requests),
      word(verdict.ratio),
      word(verdict.cpu),
      word(verdict.peak),
    ];
  });
  const lines = [table([header, ...rows]), ''];
  for (const measurement of measurements) {
    const { maxRatio, maxCpuMs, maxPeakMiB } = measurement.targets;
    const targets = [
      `requests = ${measurement.lowerBound}`,
      ...(maxRatio === undefined ? [] : [`wall <= ${maxRatio}× floor`]),
      ...(maxCpuMs === undefined ? [] : [`cpu < ${maxCpuMs} ms`]),
      `peak < ${maxPeakMiB} MiB`,
    ];
    lines.push(`${measurement.scenario}: targets ${targets.join(', ')} (medians)`);
    for (const note of measurement.notes) lines.push(`  ${note}`);
    for (const problem of measurement.problems) lines.push(`  PROBLEM: ${problem}`);
  }
  const failed = measurements.filter((measurement) => !judge(measurement).pass).map((measurement) => measurement.scenario);
  lines.push('', failed.length === 0 ? 'result: PASS' : `result: FAIL (${failed.join(', ')})`);
  return lines.join('\n');
}
