// Spaces requests evenly so a run stays under the organization's request rate instead of
// discovering it through 429s. Time is read from the clock but also advanced by what the
// limiter itself slept, so a clock pinned with --now (time that never moves) still spaces
// requests rather than making each wait longer than the last.

import type { Clock } from '../../ports.js';

export interface RateLimiter {
  /**
   * Resolves when the next request may be sent. `wait` does the waiting (by default the
   * clock's sleep), so a caller can log it or refuse one that would outlast a deadline;
   * a refused slot stays taken, which only spaces later requests a little more.
   */
  acquire(wait?: (ms: number) => Promise<void>): Promise<void>;
}

export function createRateLimiter(maxRequestsPerMinute: number | undefined, clock: Clock): RateLimiter {
  if (maxRequestsPerMinute === undefined) return { acquire: async () => {} };
  if (!(maxRequestsPerMinute > 0) || !Number.isFinite(maxRequestsPerMinute)) {
    throw new RangeError(`maxRequestsPerMinute must be a positive number, got ${maxRequestsPerMinute}`);
  }
  const intervalMs = 60_000 / maxRequestsPerMinute;
  let timeline = Number.NEGATIVE_INFINITY;
  let nextSlot = Number.NEGATIVE_INFINITY;
  return {
    async acquire(wait = (ms: number) => clock.sleep(ms)) {
      const now = Math.max(clock.now().getTime(), timeline);
      // The slot is reserved before sleeping so concurrent callers queue up in order.
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalMs;
      const delay = slot - now;
      if (delay > 0) await wait(delay);
      // Advanced only once the sleep is over, so a waiting caller does not shorten the
      // wait of callers queued behind it.
      timeline = Math.max(timeline, slot);
    },
  };
}
