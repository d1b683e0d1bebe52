// The secrets a shell knows of, read from the option table: every secret input and the
// environment variables it may come from. The shell masks them at its boundaries (logs,
// report, summary, outputs), on top of the masking of anything shaped like a credential.

import { OPTIONS } from '../config/options.js';

export function knownSecrets(inputs: Readonly<Record<string, string | undefined>>, env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  for (const spec of OPTIONS) {
    if (spec.kind !== 'secret') continue;
    for (const value of [inputs[spec.name], ...(spec.env ?? []).map((name) => env[name])]) {
      // Settings trims a secret before use; either spelling may come back in a message.
      if (value) values.push(value, value.trim());
    }
  }
  return [...new Set(values.filter((value) => value !== ''))];
}

