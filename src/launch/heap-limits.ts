// The engine thread's heap limits. They are set through the worker's resource limits,
// because the action's runner passes no V8 flags, and they matter for two reasons:
// - V8 grows a main thread's young generation far beyond what a long run needs under its
//   steady allocation; a small one keeps every command's memory down for a little CPU.
// - V8 lets the old generation grow by a factor that depends on its maximum before it
//   collects again. Reconcile keeps little alive, so a lower maximum costs it nothing and
//   saves memory; a year's backfill of every endpoint needs the lower maximum to stay
//   within its memory target, and pays for it in some CPU. Sync keeps V8's own.
// The maximum is a real limit too, so USAGE_LEDGER_HEAP_MB sets it for any command: more
// for a workload that needs it (a reconcile of several hundred thousand runs in one go).

import { UsageError } from '../errors.js';

export const HEAP_ENV = 'USAGE_LEDGER_HEAP_MB';
/** The old generation's maximum for reconcile and backfill; other commands keep V8's own. */
export const LOWER_HEAP_MB = 1024;
const LOWER_HEAP_COMMANDS: readonly (string | undefined)[] = ['reconcile', 'backfill'];
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
  } else if (LOWER_HEAP_COMMANDS.includes(command)) {
    limits.maxOldGenerationSizeMb = LOWER_HEAP_MB;
  }
  return limits;
}

/** The engine's message when it ran out of heap, with the way to allow more. */
export function outOfMemoryMessage(message: string, limits: HeapLimits): string {
  const limit = limits.maxOldGenerationSizeMb === undefined ? 'the limit is V8\'s default' : `the limit is ${limits.maxOldGenerationSizeMb} MB`;
  return `${message} (${limit}; set ${HEAP_ENV} to allow more)`;
}
