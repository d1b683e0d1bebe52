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

export function consoleLogger(options: { verbose: boolean; write?: (text: string) => void }): Logger {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  return {
    info: (message) => write(`${message}\n`),
    warning: (message) => write(`warning: ${message}\n`),
    debug: (message) => {
      if (options.verbose) write(`debug: ${message}\n`);
    },
    group: async (name, body) => {
      write(`▸ ${name}\n`);
      return body();
    },
  };
}
