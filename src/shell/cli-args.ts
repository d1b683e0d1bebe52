// Command-line words into a command, positional words and raw option strings. Values stay
// strings here; settings.ts validates them, so flags and action inputs share one parser.

import { UsageError } from '../errors.js';
import { optionSpec } from '../config/options.js';

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  options: Record<string, string>;
  help: boolean;
  version: boolean;
}

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, positionals: [], options: {}, help: false, version: false };
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (word === '--help' || word === '-h') {
      parsed.help = true;
      continue;
    }
    if (word === '--version') {
      parsed.version = true;
      continue;
    }
    if (!word.startsWith('--')) {
      // `usage-ledger help [command]` reads as `usage-ledger [command] --help`.
      if (parsed.command === undefined && word === 'help') parsed.help = true;
      else if (parsed.command === undefined) parsed.command = word;
      else parsed.positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word.slice(2) : word.slice(2, equals);
    const spec = optionSpec(name);
    if (!spec || spec.actionOnly) throw new UsageError('unknown flag (see --help)', `--${name}`);
    if (spec.kind === 'secret') {
      throw new UsageError(`secrets are never passed as flags; set ${spec.env?.join(' or ')} in the environment`, `--${name}`);
    }
    if (equals !== -1) {
      parsed.options[name] = word.slice(equals + 1);
    } else if (spec.kind === 'boolean') {
      const next = argv[index + 1];
      const explicit = next !== undefined && /^(true|false)$/i.test(next);
      parsed.options[name] = explicit ? next : 'true';
      if (explicit) index += 1;
    } else {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('expects a value', `--${name}`);
      parsed.options[name] = next;
      index += 1;
    }
  }
  return parsed;
}

/** The command a CLI command line names, for the engine's heap limits (launch/heap-limits.ts); one the CLI will refuse names none. */
export function cliCommand(argv: readonly string[]): string | undefined {
  try {
    return parseCliArgs(argv).command;
  } catch {
    return undefined;
  }
}
