// The engine thread's heap limits. They are set through the worker's resource limits,
// because the action's runner passes no V8 flags, and they matter for two reasons:
// - V8 grows a main thread's young generation up to 128 MB under a long run's steady
//   allocation. 16 MB keeps memory down for every command at about 1 s more CPU in a
//   365-day backfill.
// - V8 lets the old generation grow by a factor that depends on its maximum before it
//   collects again: about 4× what survived the last full collection when the maximum is
//   the default on a large machine (4 GB), about 1.6× at 1 GB. A 10,000-run reconcile
//   keeps about 42 MB alive and peaked at 235 to 258 MiB with the default, 197 to 206 MiB
//   with 1 GB, at the same CPU time. A backfill allocates far more between collections:
//   1 GB cost it about 8 s more CPU in 365 days, for memory it did not need (338 MiB
//   without the cap, against a 512 MiB budget). So only reconcile gets the 1 GB maximum.
// The maximum is a real limit too, so USAGE_LEDGER_HEAP_MB sets it for any command: more
// for a workload that needs it (a reconcile of several hundred thousand runs in one go).

import { UsageError } from '../errors.js';
import { parseCliArgs } from '../shell/cli-args.js';

export const HEAP_ENV = 'USAGE_LEDGER_HEAP_MB';
/** The old generation's maximum for reconcile; other commands keep V8's own. */
export const RECONCILE_HEAP_MB = 1024;
export const YOUNG_GENERATION_MB = 16;
const MIN_HEAP_MB = 256;

export interface HeapLimits {
  maxYoungGenerationSizeMb: number;
  /** Absent: V8's own maximum, which depends on the machine's memory. */
  maxOldGenerationSizeMb?: number;
}

/**
 * The engine thread's limits for `command` (undefined when the command line names none):
 * the old generation's maximum is USAGE_LEDGER_HEAP_MB when set, else reconcile's, else
 * V8's own. A USAGE_LEDGER_HEAP_MB that is not a whole number of at least 256 is refused.
 */
export function engineHeapLimits(command: string | undefined, env: Readonly<Record<string, string | undefined>>): HeapLimits {
  const limits: HeapLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  const given = env[HEAP_ENV];
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given.trim()) || Number(given) < MIN_HEAP_MB) {
      throw new UsageError(`expected a whole number of megabytes, at least ${MIN_HEAP_MB}, got ${JSON.stringify(given)}`, HEAP_ENV);
    }
    limits.maxOldGenerationSizeMb = Number(given);
  } else if (command === 'reconcile') {
    limits.maxOldGenerationSizeMb = RECONCILE_HEAP_MB;
  }
  return limits;
}

/** The command a CLI command line names, for its limits; one the CLI will refuse names none. */
export function cliCommand(argv: readonly string[]): string | undefined {
  try {
    return parseCliArgs(argv).command;
  } catch {
    return undefined;
  }
}

/** The engine's message when it ran out of heap, with the way to allow more. */
export function outOfMemoryMessage(message: string, limits: HeapLimits): string {
  const limit = limits.maxOldGenerationSizeMb === undefined ? 'the limit is V8\'s default' : `the limit is ${limits.maxOldGenerationSizeMb} MB`;
  return `${message} (${limit}; set ${HEAP_ENV} to allow more)`;
}
