#!/usr/bin/env node
// Entry point of the bundled command line (dist/cli/index.js): a small launcher that runs
// the CLI's shell (src/shell/cli-main.ts) in the engine bundle on a worker thread; see
// launch/launcher.ts.
import { redactCredentialShapes } from './domain/credential-shapes.js';
import { launch } from './launch/launcher.js';
import { cliCommand } from './shell/cli-args.js';

void launch({
  shell: 'cli',
  engine: '../engine/index.js',
  from: import.meta.url,
  command: cliCommand(process.argv.slice(2)),
  argv: process.argv.slice(2),
  env: process.env,
  // A crash message may carry anything the engine held: mask credential shapes in it.
  reportCrash: (message) => process.stderr.write(`usage-ledger: ${redactCredentialShapes(message)}\n`),
}).then((code) => {
  process.exitCode = code;
});
