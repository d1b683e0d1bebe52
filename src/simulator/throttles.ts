// Two ways a request is refused before it is looked at: the organization's request rate
// limit (a sliding 60-second window of real time), and failures a test queued with
// failNext().

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until a slot frees up, when refused. */
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;
/**
 * Reported when no limit is configured, with the full budget always remaining: the
 * headers then do not depend on request history, so identical runs record identical
 * headers.
 */
const NOMINAL_LIMIT = 10_000;

export class RequestRateLimiter {
  private readonly admitted: number[] = [];

  constructor(private readonly maxPerMinute: number | undefined) {}

  /** Admits the request if the window has room; refused requests do not use up a slot. */
  admit(): RateDecision {
    const limit = this.maxPerMinute;
    if (limit === undefined) return { allowed: true, limit: NOMINAL_LIMIT, remaining: NOMINAL_LIMIT, retryAfterSeconds: 0 };
    const now = performance.now();
    while (this.admitted.length > 0 && (this.admitted[0] ?? 0) <= now - WINDOW_MS) this.admitted.shift();
    if (this.admitted.length >= limit) {
      const oldest = this.admitted[0] ?? now;
      return { allowed: false, limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    this.admitted.push(now);
    return { allowed: true, limit, remaining: limit - this.admitted.length, retryAfterSeconds: 0 };
  }
}

export interface QueuedFailure {
  /** Matching requests still to let through before failing. */
  waiting: number;
  remaining: number;
  status: number;
  retryAfter: string | undefined;
  endpoint: string | undefined;
}

/**
 * Failures queued by failNext(), in order. A request is decided by the first queued
 * failure it matches: let through while that failure is still waiting (`after`), failed
 * otherwise.
 */
export class FailureQueue {
  private readonly queue: QueuedFailure[] = [];

  add(count: number, status: number, options: { retryAfter?: string; endpoint?: string; after?: number } = {}): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`failNext count must be a non-negative integer, got ${count}`);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`failNext status must be an HTTP status, got ${status}`);
    const after = options.after ?? 0;
    if (!Number.isInteger(after) || after < 0) throw new Error(`failNext after must be a non-negative integer, got ${after}`);
    if (count > 0) this.queue.push({ waiting: after, remaining: count, status, retryAfter: options.retryAfter, endpoint: options.endpoint });
  }

  /** The failure this request must answer with, if any, using up one of its repetitions. */
  take(endpoint: string): { status: number; retryAfter: string | undefined } | undefined {
    const index = this.queue.findIndex((failure) => failure.endpoint === undefined || failure.endpoint === endpoint);
    const failure = this.queue[index];
    if (!failure) return undefined;
    if (failure.waiting > 0) {
      failure.waiting -= 1;
      return undefined;
    }
    failure.remaining -= 1;
    if (failure.remaining === 0) this.queue.splice(index, 1);
    return { status: failure.status, retryAfter: failure.retryAfter };
  }
}
