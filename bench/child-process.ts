// Measurements run in child processes so that a peak RSS belongs to one job alone (not
// to the bench's replay server or to an earlier job's garbage) and every job starts
// from a cold, identical process. The parent forks this same bundle with `--child <job>`,
// sends the parameters over IPC and gets the result back the same way.

import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { JOBS, type JobName, type JobParams, type JobResult } from './jobs.js';

export const CHILD_FLAG = '--child';

interface ChildReply {
  ok: boolean;
  result?: unknown;
  error?: string;
  /** The child's own peak resident set at the end of the job, in KiB (see peakRssKiB). */
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

/**
 * The peak resident set of this process alone. On Linux getrusage's maxRSS survives
 * execve, so a forked child starts with the parent's resident set at the fork (the bench
 * parent holds every recorded response); VmHWM belongs to the memory the child itself
 * mapped after exec.
 */
function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS;
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
      process.send?.({ ...reply, maxRssKiB: peakRssKiB() }, () => process.exit(reply.ok ? 0 : 1));
    };
    job(params).then(
      (result) => answer({ ok: true, result }),
      (error: unknown) => answer({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
