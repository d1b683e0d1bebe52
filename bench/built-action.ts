// Runs the built action exactly as the runner does, `node dist/index.js` with INPUT_*
// variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, so the bench measures what users run:
// the launcher, the engine thread and its memory limits, Node's start-up and module
// loading included. Wall time is taken from outside; CPU time and peak memory come from
// a preload (peak-report.mjs) that reads them as the process exits.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** The repository root: the bench runs from its bundle in .bench/run/. */
const ROOT = path.resolve(path.dirname(process.argv[1] ?? '.'), '..', '..');
const ACTION = path.join(ROOT, 'dist', 'index.js');
const PEAK_REPORT = path.join(ROOT, 'bench', 'peak-report.mjs');

export interface BuiltActionRun {
  exitCode: number | null;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  peakMiB: number;
  outputs: Record<string, string>;
  /** The action's log, for the message of a failed run. */
  log: string;
}

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export async function runBuiltAction(
  inputs: Record<string, string>,
  options: { workspace: string; secrets: Record<string, string>; execArgv?: string[] },
): Promise<BuiltActionRun> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-bench-action-'));
  try {
    const files = { output: path.join(scratch, 'output'), summary: path.join(scratch, 'summary.md'), report: path.join(scratch, 'report.json') };
    await writeFile(files.output, '');
    await writeFile(files.summary, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: scratch,
      USAGE_LEDGER_BENCH_REPORT: files.report,
      ...options.secrets,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

    const started = performance.now();
    const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', PEAK_REPORT, ACTION], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - started;

    const report = JSON.parse(await readFile(files.report, 'utf8')) as { peakKiB: number | null; cpuUserMs: number; cpuSystemMs: number };
    if (report.peakKiB === null) throw new Error('the measured process could not read its VmHWM (/proc/self/status)');
    return {
      exitCode,
      wallMs,
      cpuUserMs: report.cpuUserMs,
      cpuSystemMs: report.cpuSystemMs,
      peakMiB: report.peakKiB / 1024,
      outputs: parseOutputs(await readFile(files.output, 'utf8')),
      log,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
