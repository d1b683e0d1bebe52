// A sync or backfill run in-process, as the command line runs it (its verbose logger and its
// redactor over the known secrets), but with a recording clock so Retry-After and backoff
// sleeps are not waited. A run that throws is an outcome to judge, not a test failure, so
// the error comes back beside the captured log.

import { type LedgerCommandResult, runLedgerCommand } from '../../src/app/ledger-command.js';
import { getErrorMessage } from '../../src/errors.js';
import { createRedactor } from '../../src/adapters/http/redact.js';
import { parseSettings } from '../../src/config/settings.js';
import { consoleLogger } from '../../src/shell/loggers.js';
import { knownSecrets } from '../../src/shell/secrets.js';
import { recordingClock, type RecordingClock } from './ledger-run.js';
import { composeAdapters } from '../../src/app/compose.js';

/** Shaped like a real admin key, so every redaction path that looks for shapes is exercised. */
export const FAULT_ADMIN_KEY = 'sk-admin-SECRETq8Zt4LmW2xKp7f3a9c';

export interface FaultRunOutcome {
  result?: LedgerCommandResult;
  error?: unknown;
  /** Everything logged, debug included, as the command line writes it, plus the error line. */
  log: string;
  clock: RecordingClock;
}

export async function runFaulted(
  command: 'sync' | 'backfill',
  options: { cwd: string; baseUrl: string; now: Date; flags?: Record<string, string>; env?: Record<string, string> },
): Promise<FaultRunOutcome> {
  const env = { OPENAI_ADMIN_KEY: FAULT_ADMIN_KEY, ...options.env };
  const redact = createRedactor(knownSecrets({}, env));
  let log = '';
  const logger = consoleLogger({ verbose: true, write: (text) => void (log += text), redact });
  const clock = recordingClock(options.now);
  try {
    const settings = parseSettings(command, [], { 'openai-base-url': options.baseUrl, now: options.now.toISOString(), ...options.flags }, env, options.now);
    const result = await runLedgerCommand(settings, composeAdapters(settings, { cwd: options.cwd, clock, logger, env: {} }));
    return { result, log, clock };
  } catch (error) {
    log += `usage-ledger: ${redact(getErrorMessage(error))}\n`;
    return { error, log, clock };
  }
}
