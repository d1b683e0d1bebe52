// `npm run bench [-- <scenario>...] [--repeat N] [--profile DIR] [--keep]`: runs every benchmark
// scenario (or the named ones), prints one table judged against the targets, and exits
// 1 when a target is missed. The same script, started with --child, is the worker the
// scenarios fork for each measurement (see child-process.ts).

import { rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CHILD_FLAG, serveJob } from './child-process.js';
import { formatReport, judge } from './report.js';
import type { ScenarioMeasurement } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const USAGE = `usage: bench [scenario...] [--repeat N] [--profile DIR] [--keep] [--list]
  scenario      run only these (default: all)
  --repeat N    measure tool and floor N times each and report medians (default 3)
  --profile DIR write V8 CPU profiles (.cpuprofile) of the tool's runs to DIR
  --keep        keep the work directory (recordings, reference ledgers) and print its path
  --list        list the scenarios`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repeat: { type: 'string', default: '3' },
      profile: { type: 'string' },
      keep: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const scenario of SCENARIOS) console.log(`${scenario.name}  ${scenario.description}`);
    return 0;
  }
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
    console.error(`--repeat must be a whole number from 1 to 20, got ${values.repeat}\n${USAGE}`);
    return 2;
  }
  const unknown = positionals.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
    return 2;
  }
  const selected = positionals.length === 0 ? SCENARIOS : SCENARIOS.filter((scenario) => positionals.includes(scenario.name));
  const profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
  if (profileDir) await mkdir(profileDir, { recursive: true });

  // Everything a run writes lives under one temp directory, removed however the run ends
  // (unless --keep asks to look at it afterwards).
  const root = await mkdtemp(path.join(os.tmpdir(), 'usage-ledger-bench-'));
  const cleanUp = (): void => {
    if (!values.keep) rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }

  const started = performance.now();
  const measurements: ScenarioMeasurement[] = [];
  for (const scenario of selected) {
    const workDir = path.join(root, scenario.name);
    await mkdir(workDir, { recursive: true });
    console.log(`== ${scenario.name}: ${scenario.description} (${repeat} round(s))`);
    const scenarioStart = performance.now();
    measurements.push(
      await scenario.run({
        repeat,
        workDir,
        profileDir,
        keep: values.keep,
        log: (line) => console.log(`   [${((performance.now() - scenarioStart) / 1000).toFixed(1).padStart(6)} s] ${line}`),
      }),
    );
  }
  console.log(`\n${formatReport(measurements)}\n`);
  if (profileDir) console.log(`CPU profiles of the tool runs: ${profileDir}`);
  if (values.keep) console.log(`work directory kept: ${root}`);
  console.log(`bench total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return measurements.every((measurement) => judge(measurement).pass) ? 0 : 1;
}

if (process.argv[2] === CHILD_FLAG) {
  serveJob(process.argv[3] ?? '');
} else {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}
