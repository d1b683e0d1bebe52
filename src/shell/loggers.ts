// The Logger port for each shell: @actions/core inside Actions, stderr on the command line
// (stdout is kept for the report a user or a script reads).

import * as core from '@actions/core';
import type { Logger } from '../ports.js';

export const actionsLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (name, body) => core.group(name, body),
};

export function consoleLogger(options: { verbose: boolean }): Logger {
  return {
    info: (message) => process.stderr.write(`${message}\n`),
    warning: (message) => process.stderr.write(`warning: ${message}\n`),
    debug: (message) => {
      if (options.verbose) process.stderr.write(`debug: ${message}\n`);
    },
    group: async (name, body) => {
      process.stderr.write(`▸ ${name}\n`);
      return body();
    },
  };
}
