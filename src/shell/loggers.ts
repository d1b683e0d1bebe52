// The Logger port for each shell: @actions/core inside Actions, stderr on the command line
// (stdout is kept for the report a user or a script reads). Every line is redacted here,
// at the one place all log output passes, whichever module wrote it.

import * as core from '@actions/core';
import type { Logger } from '../ports.js';
import { redactCredentialShapes } from '../domain/credential-shapes.js';
import type { Redactor } from '../adapters/http/redact.js';

/** `redact`: the shell's redactor for its known secrets; credential shapes are masked without one. */
export function actionsLogger(redact: Redactor = redactCredentialShapes): Logger {
  return {
    info: (message) => core.info(redact(message)),
    warning: (message) => core.warning(redact(message)),
    debug: (message) => core.debug(redact(message)),
    group: (name, body) => core.group(redact(name), body),
  };
}

export function consoleLogger(options: { verbose: boolean; write?: (text: string) => void; redact?: Redactor }): Logger {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const redact = options.redact ?? redactCredentialShapes;
  return {
    info: (message) => write(`${redact(message)}\n`),
    warning: (message) => write(`warning: ${redact(message)}\n`),
    debug: (message) => {
      if (options.verbose) write(`debug: ${redact(message)}\n`);
    },
    group: async (name, body) => {
      write(`▸ ${redact(name)}\n`);
      return body();
    },
  };
}
