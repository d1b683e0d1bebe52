// Every job a bench child process can run, by name. The parent names a job and passes
// plain JSON parameters; the types here keep both sides agreeing on their shape.

import { recordBackfill } from './jobs/record-backfill.js';
import { backfillFloor } from './jobs/backfill-floor.js';
import { reconcileIoFloor } from './jobs/reconcile-io-floor.js';
import { reconcilePhases } from './jobs/reconcile-phases.js';

export const JOBS = {
  'record-backfill': recordBackfill,
  'backfill-floor': backfillFloor,
  'reconcile-phases': reconcilePhases,
  'reconcile-io-floor': reconcileIoFloor,
} satisfies Record<string, (params: never) => Promise<unknown>>;

export type JobName = keyof typeof JOBS;
export type JobParams<N extends JobName> = Parameters<(typeof JOBS)[N]>[0];
export type JobResult<N extends JobName> = Awaited<ReturnType<(typeof JOBS)[N]>>;
