// `--help` for the command line: the global help names every command, and each command's
// own help lists only the flags the options table says apply to it, so neither can miss a
// flag that is added to the table.

import { UsageError } from '../errors.js';
import { type CommandName, COMMANDS, OPTIONS, type OptionSpec } from '../config/options.js';

/** Ledger commands share most options; an option without `commands` applies to these. */
const LEDGER_COMMANDS: readonly CommandName[] = ['sync', 'backfill', 'reconcile'];

const COMMAND_HELP: Record<CommandName, { usage: string; summary: string }> = {
  sync: {
    usage: 'usage-ledger sync [flags]',
    summary: 're-fetch the last --days UTC days (default 7, ending today) for each provider, update the ledger, check parity, publish',
  },
  backfill: {
    usage: 'usage-ledger backfill (--start-date YYYY-MM-DD [--end-date YYYY-MM-DD] | --days N) [flags]',
    summary: 'fetch a date range or a number of days into the ledger as sync does; settled days are skipped, so a stopped backfill resumes',
  },
  reconcile: {
    usage: 'usage-ledger reconcile [framework] [run-id] [flags]',
    summary: 'fill the real token counts into pending run records (runs/<framework>/<run_id>/metrics.json)',
  },
  simulate: {
    usage: 'usage-ledger simulate [--port N] [--scenario NAMES]',
    summary: 'serve the embedded provider simulator on loopback until Ctrl+C',
  },
  demo: {
    usage: 'usage-ledger demo',
    summary: 'run the main job against the simulator in a throwaway git repository and show what to look at',
  },
};

const EXIT_CODES = 'Exit codes: 0 completed (findings are reported, not errors), 1 could not complete, 2 bad usage or configuration.';

export function appliesTo(option: OptionSpec, command: CommandName): boolean {
  return (option.commands ?? LEDGER_COMMANDS).includes(command);
}

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

const COMMAND_PART = new RegExp(`; (?=(?:${COMMANDS.join('|')}): )`, 'i');

// Within a command's own help, a leading "reconcile:" only repeats the command, and of a
// description written as "backfill: …; reconcile: …" only that command's part applies.
function describeFor(option: OptionSpec, command: CommandName): string {
  const parts = option.description.split(COMMAND_PART);
  const prefix = `${command}: `;
  const part = parts.length > 1 ? parts.find((candidate) => candidate.toLowerCase().startsWith(prefix)) : undefined;
  const own = part === undefined || part.endsWith('.') ? part : `${part}.`;
  const text = own ?? option.description;
  return text.toLowerCase().startsWith(prefix) ? capitalized(text.slice(prefix.length)) : text;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end === -1 ? text : text.slice(0, end + 1);
}

function flagLines(option: OptionSpec, command: CommandName): string[] {
  const value = option.kind === 'boolean' ? '' : option.kind === 'choice' && option.choices ? ` <${option.choices.join('|')}>` : ` <${option.kind}>`;
  // A flag given alone means true, so "default: false" would only be noise.
  const fallback = option.default !== undefined && option.kind !== 'boolean' ? ` (default: ${option.default})` : '';
  return [`  --${option.name}${value}${fallback}`, `      ${describeFor(option, command)}`];
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.length)) + 3;
  return [
    'usage-ledger: an auditable, git-backed ledger of LLM API usage and cost',
    '',
    'Usage: usage-ledger <command> [flags]',
    '       usage-ledger <command> --help   (the command and its flags)',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.padEnd(width)}${COMMAND_HELP[command].summary}`),
    '',
    'Secrets come from the environment, never from flags: OPENAI_ADMIN_KEY (or OPENAI_API_KEY_USAGE_TRACKING), GITHUB_TOKEN.',
    EXIT_CODES,
    '',
  ].join('\n');
}

function commandHelp(command: CommandName): string {
  const options = OPTIONS.filter((option) => !option.actionOnly && appliesTo(option, command));
  const flags = options.filter((option) => option.kind !== 'secret');
  const secrets = options.filter((option) => option.kind === 'secret');
  const lines = [`Usage: ${COMMAND_HELP[command].usage}`, '', `${capitalized(COMMAND_HELP[command].summary)}.`, ''];
  if (flags.length > 0) lines.push('Flags:', ...flags.flatMap((option) => flagLines(option, command)), '');
  else lines.push('No flags.', '');
  if (secrets.length > 0) {
    lines.push('Environment (secrets are never flags):');
    for (const secret of secrets) lines.push(`  ${(secret.env ?? []).join(' or ')}: ${firstSentence(secret.description)}`);
    lines.push('');
  }
  if (LEDGER_COMMANDS.includes(command)) lines.push(EXIT_CODES, '');
  return lines.join('\n');
}

/** The global help, or one command's; an unknown command is a usage error. */
export function helpText(command?: string): string {
  if (command === undefined) return globalHelp();
  if (!isCommand(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}; expected one of ${COMMANDS.join(', ')}`, 'command');
  return commandHelp(command);
}
