// Measurements run in child processes so that a peak RSS belongs to one job alone (not
// to the bench's replay server or to an earlier job's garbage) and every job starts
// from a cold, identical process. The parent forks this same bundle with `--child <job>`,
// sends the parameters over IPC and gets the result back the same way.

import { fork } from 'node:child_process';
import { JOBS, type JobName, type JobParams, type JobResult } from './jobs.js';

export const CHILD_FLAG = '--child';

interface ChildReply {
  ok: boolean;
  result?: unknown;
  error?: string;
  /** process.resourceUsage().maxRSS at the end of the job, in KiB. */
  maxRssKiB: number;
}

export interface JobOutcome<N extends JobName> {
  result: JobResult<N>;
  peakMiB: number;
}

/** Parent side: run one job in a fresh child and wait for its answer. */
export function runJob<N extends JobName>(name: N, params: JobParams<N>, options: { execArgv?: string[] } = {}): Promise<JobOutcome<N>> {
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('cannot tell which script to fork');
  return new Promise((resolve, reject) => {
    const child = fork(entry, [CHILD_FLAG, name], {
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: ChildReply | undefined;
    child.on('message', (message) => {
      reply = message as ChildReply;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve({ result: reply.result as JobResult<N>, peakMiB: reply.maxRssKiB / 1024 });
      else reject(new Error(`bench job ${name} failed (exit ${code ?? signal}): ${reply?.error ?? 'no answer from the child'}`));
    });
    child.send(params);
  });
}

/** Child side: take the parameters, run the job, answer, and exit so nothing lingers. */
export function serveJob(name: string): void {
  if (!(name in JOBS)) {
    console.error(`unknown bench job ${name}`);
    process.exit(2);
  }
  const job = JOBS[name as JobName] as (params: unknown) => Promise<unknown>;
  // Orphaned (the bench was interrupted): stop rather than finish a measurement nobody reads.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (params) => {
    const answer = (reply: Omit<ChildReply, 'maxRssKiB'>): void => {
      // Exit only once the answer has left; a job may leave sockets or timers behind.
      process.removeAllListeners('disconnect');
      process.send?.({ ...reply, maxRssKiB: process.resourceUsage().maxRSS }, () => process.exit(reply.ok ? 0 : 1));
    };
    job(params).then(
      (result) => answer({ ok: true, result }),
      (error: unknown) => answer({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
