// Every wait a request makes (for a rate-limit slot, a Retry-After, a backoff) goes
// through here: refused at once when it would outlast a deadline, and logged at info when
// long, with what it waits for and until when, so a quiet run is never taken for a hung one.

import type { Clock } from '../../ports.js';
import { formatSeconds, type RequestDeadlines, type Timeline } from './deadlines.js';

/** Waits at least this long are logged at info; shorter ones at debug. */
export const LONG_WAIT_MS = 3_000;

export interface WaitLog {
  info(line: string): void;
  debug(line: string): void;
}

export interface Wait {
  ms: number;
  /** Why: "HTTP 429", "failed (socket hang up)", "request rate limit of 10 per minute". */
  reason: string;
  /** What for: "before retry 2 of 5". */
  purpose: string;
}

/** Whole seconds, rounded up so "until" is never before the wait ends. */
function untilText(clock: Clock, ms: number): string {
  const at = Math.ceil((clock.now().getTime() + ms) / 1000) * 1000;
  return new Date(at).toISOString().replace(/\.000Z$/, 'Z');
}

export function createWaiter(clock: Clock, timeline: Timeline, log: WaitLog) {
  return async function waitWithin(deadlines: RequestDeadlines, where: string, wait: Wait): Promise<void> {
    const expiry = deadlines.nearest();
    if (wait.ms > 0 && wait.ms >= expiry.remainingMs) {
      throw deadlines.error(expiry, { at: 'wait', waitMs: wait.ms, reason: `${wait.reason}, ${wait.purpose}` });
    }
    const line = `${where}: ${wait.reason}, waiting ${formatSeconds(wait.ms)} (until ${untilText(clock, wait.ms)}) ${wait.purpose}`;
    if (wait.ms >= LONG_WAIT_MS) log.info(line);
    else log.debug(line);
    await timeline.sleep(wait.ms);
  };
}
