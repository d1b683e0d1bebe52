#!/usr/bin/env node
// Entry point of the bundled command line (dist/cli/index.js): a small launcher that runs
// the CLI's shell (src/shell/cli-main.ts) in the engine bundle on a worker thread; see
// launch/launcher.ts.
import { launch } from './launch/launcher.js';
import { parseCliArgs } from './shell/cli-args.js';

/** The command the words name; a command line the CLI will refuse names none. */
function commandOf(argv: readonly string[]): string | undefined {
  try {
    return parseCliArgs(argv).command;
  } catch {
    return undefined;
  }
}

void launch({
  shell: 'cli',
  engine: '../engine/index.js',
  from: import.meta.url,
  command: commandOf(process.argv.slice(2)),
  argv: process.argv.slice(2),
  env: process.env,
  reportCrash: (message) => process.stderr.write(`usage-ledger: ${message}\n`),
}).then((code) => {
  process.exitCode = code;
});
