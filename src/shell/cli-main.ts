// The command-line shell: the same commands and options as the action, with flags for
// inputs, secrets from the environment, a plain report on stdout and logs on stderr.

import { composeAdapters } from '../app/compose.js';
import { IncompleteRunError, runCommand } from '../app/dispatch.js';
import { runDemo } from '../app/demo.js';
import { serveSimulator } from '../app/simulate.js';
import { MixedOriginError } from '../app/update-ledger.js';
import { EXIT_COMPLETED, EXIT_FAILED, EXIT_USAGE, UsageError, getErrorMessage } from '../errors.js';
import { systemClock } from '../ports.js';
import { ProviderRequestError, ScopeMissingError } from '../adapters/http/provider-errors.js';
import { parseSettings } from '../config/settings.js';
import { createRedactor } from '../adapters/http/redact.js';
import { parseCliArgs } from './cli-args.js';
import { helpText } from './cli-help.js';
import { consoleLogger } from './loggers.js';
import { knownSecrets } from './secrets.js';

const VERSION = '0.1.0';

function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ScopeMissingError || error instanceof MixedOriginError || error instanceof ProviderRequestError) {
    return EXIT_USAGE;
  }
  return EXIT_FAILED;
}

export interface CliIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const { env } = io;
  // Secrets come only from the environment here; the report, logs and errors all pass this.
  const redact = createRedactor(knownSecrets({}, env));
  const out = (text: string): void => io.stdout(redact(text));
  const logger = consoleLogger({ verbose: env.USAGE_LEDGER_DEBUG === '1', write: io.stderr, redact });
  try {
    const args = parseCliArgs(argv);
    if (args.version) {
      out(`${VERSION}\n`);
      return EXIT_COMPLETED;
    }
    if (args.help || args.command === undefined) {
      out(helpText(args.command));
      return args.help ? EXIT_COMPLETED : EXIT_USAGE;
    }
    const settings = parseSettings(args.command, args.positionals, args.options, env, systemClock.now());
    if (settings.command === 'simulate') return await serveSimulator(settings, logger);
    if (settings.command === 'demo') return await runDemo({ logger, out: (line) => out(`${line}\n`) });
    const report = await runCommand(settings, composeAdapters(settings, { cwd: io.cwd, clock: systemClock, logger, env }));
    for (const line of report.lines) out(`${line}\n`);
    return EXIT_COMPLETED;
  } catch (error) {
    // A run that failed only in publishing still prints what it did.
    if (error instanceof IncompleteRunError) for (const line of error.report.lines) out(`${line}\n`);
    io.stderr(`usage-ledger: ${redact(getErrorMessage(error))}\n`);
    return exitCodeFor(error);
  }
}
