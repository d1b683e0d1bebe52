// Rows of the fault matrix for the provider's transport: 429 storms with and without
// Retry-After, 5xx until the retries run out, and answers that never come, stall mid-body
// or drip. Sleeps are recorded, not waited; a stalled request costs its one-second deadline.

import { expect } from 'vitest';
import { type ProviderRow, RETRIES, SHORT_DEADLINE } from './provider-row.js';

const completionsRequests = (run: { simulator: { requestLog: readonly { endpoint: string }[] } }) =>
  run.simulator.requestLog.filter((request) => request.endpoint === 'completions').length;

export const TRANSPORT_ROWS: ProviderRow[] = [
  {
    name: '429 storm with Retry-After, shorter than the retries',
    scenarios: ['rate-limit'],
    flags: RETRIES,
    expected: 'recovers',
    also: ({ outcome }) => {
      expect(outcome.clock.sleeps.length, 'waited before retrying').toBeGreaterThan(0);
      expect(Math.min(...outcome.clock.sleeps), 'Retry-After honoured').toBeGreaterThanOrEqual(1000);
    },
  },
  {
    name: '429 storm without Retry-After, shorter than the retries',
    scenarios: ['rate-limit-no-retry-after'],
    flags: RETRIES,
    expected: 'recovers',
    also: ({ outcome }) => expect(outcome.clock.sleeps.length, 'backed off').toBeGreaterThan(0),
  },
  {
    name: '429 storm with Retry-After that outlasts the retries',
    prepare: (simulator) => simulator.failNext(50, 429, { endpoint: 'completions', retryAfter: '7' }),
    flags: RETRIES,
    expected: { state: 'missing', code: 'RATE_LIMITED' },
    also: (run) => {
      expect(completionsRequests(run)).toBe(3);
      expect(run.outcome.clock.sleeps.filter((ms) => ms >= 7000)).toHaveLength(2);
    },
  },
  {
    name: '429 storm without Retry-After that outlasts the retries',
    prepare: (simulator) => simulator.failNext(50, 429, { endpoint: 'completions' }),
    flags: RETRIES,
    expected: { state: 'missing', code: 'RATE_LIMITED' },
    also: (run) => expect(completionsRequests(run)).toBe(3),
  },
  { name: 'one 502, then an answer', scenarios: ['flaky'], flags: RETRIES, expected: 'recovers' },
  {
    name: '5xx until the retries run out',
    scenarios: ['server-error'],
    flags: RETRIES,
    expected: { state: 'missing', code: 'PROVIDER_ERROR' },
    also: (run) => expect(completionsRequests(run)).toBe(3),
  },
  { name: 'a server that never answers', fault: { kind: 'never-answer' }, flags: SHORT_DEADLINE, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
  { name: 'a server that stalls mid-body', fault: { kind: 'stall-mid-body' }, flags: SHORT_DEADLINE, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
  { name: 'a server that drips its answer', fault: { kind: 'drip', everyMs: 50 }, flags: SHORT_DEADLINE, expected: { state: 'missing', code: 'PROVIDER_ERROR' } },
];
