// Deadlines for provider calls: a total time per request (connect, headers, every byte of
// the body and the waits between attempts) and one for the whole run. The body timeout
// alone bounds only the gap between chunks, so a server dripping a byte at a time could
// otherwise hold a run for as long as it liked.

import type { Clock } from '../../ports.js';
import { DeadlineExceededError, type DeadlineKind } from './errors.js';

export const REQUEST_TIMEOUT_FLAG = '--request-timeout';
export const RUN_TIMEOUT_FLAG = '--run-timeout';

/** Real time, which a clock pinned with --now does not give. */
const monotonicNow = (): number => performance.now();

/**
 * Milliseconds on a monotonic timeline. Sleeps on the injected clock move it forward too,
 * so a test clock whose sleeps return at once still spends the deadline it waited out.
 */
export interface Timeline {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export function createTimeline(clock: Clock): Timeline {
  let offset = 0;
  const now = (): number => monotonicNow() + offset;
  return {
    now,
    async sleep(ms) {
      const wakeAt = now() + ms;
      await clock.sleep(ms);
      // A real sleep ends at wakeAt or later and changes nothing; one that returned early
      // counts as if waited, and concurrent sleeps are not counted twice.
      offset = Math.max(offset, wakeAt - monotonicNow());
    },
  };
}

/** The end of a run's time for provider calls, fixed when the command starts. */
export interface RunDeadline {
  readonly timeoutMs: number;
  /** On the timeline's scale (performance.now()). */
  readonly endsAt: number;
}

export function startRunDeadline(timeoutMs: number): RunDeadline {
  if (!(timeoutMs > 0)) throw new RangeError(`the run timeout must be a positive number of milliseconds, got ${timeoutMs}`);
  return { timeoutMs, endsAt: monotonicNow() + timeoutMs };
}

/** "120 s", "1.5 s": the unit the flags are given in. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Where a request stood when a deadline stopped it. */
export type DeadlineSituation =
  | { at: 'start' }
  | { at: 'attempt'; attempt: number; phase: string }
  | { at: 'wait'; waitMs: number; reason: string };

export interface Expiry {
  kind: DeadlineKind;
  timeoutMs: number;
  remainingMs: number;
}

/** Both deadlines of one request; the one ending first is the one that matters. */
export interface RequestDeadlines {
  nearest(): Expiry;
  error(expiry: Expiry, situation: DeadlineSituation): DeadlineExceededError;
}

export function startRequestDeadlines(
  timeline: Timeline,
  requestTimeoutMs: number,
  run: RunDeadline | undefined,
  request: { label: string; path: string; where: string },
): RequestDeadlines {
  const requestEndsAt = timeline.now() + requestTimeoutMs;
  return {
    nearest() {
      const now = timeline.now();
      const own: Expiry = { kind: 'request', timeoutMs: requestTimeoutMs, remainingMs: requestEndsAt - now };
      if (run === undefined) return own;
      const whole: Expiry = { kind: 'run', timeoutMs: run.timeoutMs, remainingMs: run.endsAt - now };
      return whole.remainingMs < own.remainingMs ? whole : own;
    },
    error(expiry, situation) {
      return new DeadlineExceededError(`${request.where}: ${describe(expiry, situation)}`, {
        label: request.label,
        path: request.path,
        deadline: expiry.kind,
        timeoutMs: expiry.timeoutMs,
      });
    },
  };
}

function describe({ kind, timeoutMs }: Expiry, situation: DeadlineSituation): string {
  if (kind === 'request') {
    const headline = `no complete response within the request timeout of ${formatSeconds(timeoutMs)} (${REQUEST_TIMEOUT_FLAG})`;
    if (situation.at === 'attempt') return `${headline}; attempt ${situation.attempt} was cut off while ${situation.phase}`;
    if (situation.at === 'wait') return `${headline}; the ${formatSeconds(situation.waitMs)} wait (${situation.reason}) would end past it`;
    return headline;
  }
  const headline = `the run timeout of ${formatSeconds(timeoutMs)} (${RUN_TIMEOUT_FLAG})`;
  if (situation.at === 'attempt') return `${headline} passed while attempt ${situation.attempt} was ${situation.phase}`;
  if (situation.at === 'wait') return `${headline} would pass during the ${formatSeconds(situation.waitMs)} wait (${situation.reason})`;
  return `${headline} passed before the request could start`;
}
