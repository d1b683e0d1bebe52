// The engine thread's heap limits. They are set through the worker's resource limits,
// because the action's runner passes no V8 flags, and they matter for two reasons:
// - V8 grows a main thread's young generation up to 128 MB under a long run's steady
//   allocation. 16 MB costs no measurable CPU here.
// - V8 lets the old generation grow by a factor that depends on its maximum before it
//   collects again: about 4× what survived the last full collection when the maximum is
//   the default on a large machine (4 GB), about 1.6× at 1 GB. A 10,000-run reconcile
//   keeps about 42 MB alive and peaked at 235 to 258 MiB with the default, 197 to 206 MiB
//   with 1 GB, at the same CPU time.
// The maximum is a real limit too, so USAGE_LEDGER_HEAP_MB raises it for a workload that
// needs more (a reconcile of several hundred thousand runs in one go).

import { UsageError } from '../errors.js';

export const HEAP_ENV = 'USAGE_LEDGER_HEAP_MB';
export const DEFAULT_HEAP_MB = 1024;
export const YOUNG_GENERATION_MB = 16;
const MIN_HEAP_MB = 256;

export interface HeapLimits {
  maxYoungGenerationSizeMb: number;
  maxOldGenerationSizeMb: number;
}

/** The limits for this run; a USAGE_LEDGER_HEAP_MB that is not a whole number of at least 256 is refused. */
export function heapLimits(env: Readonly<Record<string, string | undefined>>): HeapLimits {
  const given = env[HEAP_ENV];
  let heapMb = DEFAULT_HEAP_MB;
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given.trim()) || Number(given) < MIN_HEAP_MB) {
      throw new UsageError(`expected a whole number of megabytes, at least ${MIN_HEAP_MB}, got ${JSON.stringify(given)}`, HEAP_ENV);
    }
    heapMb = Number(given);
  }
  return { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: heapMb };
}

/** The engine's message when it ran out of heap, with the way to allow more. */
export function outOfMemoryMessage(message: string, limits: HeapLimits): string {
  return `${message} (the limit is ${limits.maxOldGenerationSizeMb} MB; set ${HEAP_ENV} to allow more)`;
}
