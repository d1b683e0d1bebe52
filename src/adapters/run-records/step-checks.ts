// What the schema cannot say about a run: its steps form an ordered sequence of
// non-overlapping half-open spans in Unix seconds, counts are exact integers, and the
// record belongs to the directory it sits in. Attribution relies on every one of these.

import { describeParsed, type DescribeAt, type RecordProblem } from './metrics-validator.js';
import type { RunRecord } from './types.js';

/** Above this a timestamp is far past year 5000 in seconds, and about 1973 in milliseconds. */
const MILLISECONDS_FLOOR = 1e11;
/** Clocks drift; a step more than a day ahead of now was not measured in seconds by this clock. */
const FUTURE_TOLERANCE_SECONDS = 86_400;

function timestampProblem(field: string, value: number, nowSeconds: number, describe: DescribeAt): RecordProblem | null {
  if (!Number.isFinite(value)) return { field, reason: `${describe(field, value)} is not a finite number` };
  if (value > MILLISECONDS_FLOOR) return { field, reason: `${describe(field, value)} looks like milliseconds (timestamps are Unix seconds)` };
  if (value > nowSeconds + FUTURE_TOLERANCE_SECONDS) {
    return { field, reason: `${describe(field, value)} is more than a day after now (${Math.floor(nowSeconds)} in Unix seconds)` };
  }
  return null;
}

function countProblem(field: string, value: number, describe: DescribeAt): RecordProblem | null {
  // The schema already demands a non-negative integer; past 2^53 a double stops counting exactly.
  return Number.isSafeInteger(value) ? null : { field, reason: `${describe(field, value)} is too large to count exactly` };
}

function firstProblem(checks: Array<() => RecordProblem | null>): RecordProblem | null {
  for (const check of checks) {
    const problem = check();
    if (problem) return problem;
  }
  return null;
}

/** The first problem with a schema-valid record's contents, or null. `describe` renders values in messages. */
export function recordProblem(record: RunRecord, directoryRunId: string, now: Date, describe: DescribeAt = describeParsed): RecordProblem | null {
  const nowSeconds = now.getTime() / 1000;
  if (record.run_id !== directoryRunId) {
    return { field: '/run_id', reason: `${describe('/run_id', record.run_id)} does not match its directory ${JSON.stringify(directoryRunId)}` };
  }
  const metrics = record.aggregate_metrics;
  const aggregate = firstProblem([
    () => countProblem('/aggregate_metrics/TOK_IN', metrics.TOK_IN, describe),
    () => countProblem('/aggregate_metrics/TOK_OUT', metrics.TOK_OUT, describe),
  ]);
  if (aggregate) return aggregate;

  for (const [index, step] of record.steps.entries()) {
    const at = `/steps/${index}`;
    const own = firstProblem([
      () => countProblem(`${at}/tokens_in`, step.tokens_in, describe),
      () => countProblem(`${at}/tokens_out`, step.tokens_out, describe),
      () => timestampProblem(`${at}/start_timestamp`, step.start_timestamp, nowSeconds, describe),
      () => timestampProblem(`${at}/end_timestamp`, step.end_timestamp, nowSeconds, describe),
    ]);
    if (own) return own;
    if (step.end_timestamp < step.start_timestamp) {
      return { field: `${at}/end_timestamp`, reason: `${describe(`${at}/end_timestamp`, step.end_timestamp)} is before start_timestamp ${describe(`${at}/start_timestamp`, step.start_timestamp)}` };
    }
    if (step.end_timestamp === step.start_timestamp) {
      // A zero-length span [t, t) holds no minute of usage, so nothing could ever be attributed to it.
      return { field: `${at}/end_timestamp`, reason: `equals start_timestamp ${describe(`${at}/start_timestamp`, step.start_timestamp)}: a zero-length step cannot be attributed any usage` };
    }
    const previous = index > 0 ? record.steps[index - 1] : undefined;
    if (!previous) continue;
    const before = `/steps/${index - 1}`;
    if (step.step_number <= previous.step_number) {
      return { field: `${at}/step_number`, reason: `${describe(`${at}/step_number`, step.step_number)} does not follow step_number ${describe(`${before}/step_number`, previous.step_number)} of the step before; steps must be in increasing order` };
    }
    if (step.start_timestamp < previous.start_timestamp) {
      return { field: `${at}/start_timestamp`, reason: `${describe(`${at}/start_timestamp`, step.start_timestamp)} is before the previous step's start ${describe(`${before}/start_timestamp`, previous.start_timestamp)}; steps must be in time order` };
    }
    if (step.start_timestamp < previous.end_timestamp) {
      // Spans are half-open, so a step may start exactly when the previous one ended.
      return { field: `${at}/start_timestamp`, reason: `${describe(`${at}/start_timestamp`, step.start_timestamp)} is before the previous step's end ${describe(`${before}/end_timestamp`, previous.end_timestamp)}; steps must not overlap` };
    }
  }
  return null;
}

/** The UTC day of the run's first step when it can be read as Unix seconds, for a finding's windows. */
export function firstStepDay(document: unknown): string | undefined {
  const steps = (document as { steps?: unknown } | null)?.steps;
  const start = Array.isArray(steps) ? (steps[0] as { start_timestamp?: unknown } | undefined)?.start_timestamp : undefined;
  if (typeof start !== 'number' || !Number.isFinite(start) || start < 0 || start > MILLISECONDS_FLOOR) return undefined;
  return new Date(start * 1000).toISOString().slice(0, 10);
}
