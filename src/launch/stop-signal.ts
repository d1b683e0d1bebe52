// Waiting for Ctrl+C or a termination request, wherever the command runs. Signals reach
// only a process's main thread: in the engine thread they arrive as messages from the
// launcher (see engine.ts), and a command that waits for one (`simulate`) registers here.

import { isMainThread } from 'node:worker_threads';
import type { StopSignal } from './engine-protocol.js';

const waiting = new Set<(signal: StopSignal) => void>();

/** Resolves with the first SIGINT or SIGTERM this command receives. */
export function nextStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    if (isMainThread) {
      const onSignal = (signal: StopSignal): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(signal);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      return;
    }
    waiting.add(resolve);
  });
}

/**
 * Hands a signal the launcher forwarded to every command waiting for one. False when none
 * was waiting: the engine then stops as the signal would have stopped the process.
 */
export function deliverStopSignal(signal: StopSignal): boolean {
  if (waiting.size === 0) return false;
  const waiters = [...waiting];
  waiting.clear();
  for (const resolve of waiters) resolve(signal);
  return true;
}
