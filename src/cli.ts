#!/usr/bin/env node
// Entry point of the bundled command line (dist/cli/index.js).
import { EXIT_FAILED, getErrorMessage } from './errors.js';
import { main } from './shell/cli-main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`usage-ledger: ${getErrorMessage(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
