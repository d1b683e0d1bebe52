// Pushing the ledger commit. Several runs may publish to the same branch at once, so a
// rejected push is normal: catch up with the remote (fetch, then replay or rebase) and try
// again, a bounded number of times, then give up with an error that says what the remote
// answered.

import { silentLogger, type Logger } from '../../ports.js';
import { redactCredentials, type Git, type GitIdentity, type Upstream } from './git.js';
import { fetchAndRebase } from './git-rebase.js';
import { fetchAndReplayLedger } from './ledger-rebase.js';

export class PushFailedError extends Error {
  override readonly name = 'PushFailedError';

  constructor(
    readonly upstream: string,
    readonly attempts: number,
    /** What the last attempt failed with, credentials redacted. */
    readonly lastFailure: string,
  ) {
    super(`push to ${upstream} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastFailure}`);
  }
}

export interface PushOptions {
  upstream: Upstream;
  identity: GitIdentity;
  maxAttempts: number;
  /**
   * The audit directory, relative to the repository root. With it, catching up replays
   * the ledger commits and regenerates the manifest and README instead of merging text.
   */
  auditDir?: string;
  logger?: Logger;
}

/** Pushes HEAD to the upstream branch; resolves with the number of attempts it took. */
export async function pushWithRetry(git: Git, options: PushOptions): Promise<number> {
  const { upstream, identity, maxAttempts } = options;
  const logger = options.logger ?? silentLogger;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxPushAttempts must be a positive integer, got ${maxAttempts}`);
  }

  let lastFailure = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    // An explicit refspec pushes exactly this branch, whatever push.default says.
    const pushed = await git.exec(['push', '--porcelain', upstream.remote, `HEAD:${upstream.mergeRef}`], {
      allowFailure: true,
    });
    if (pushed.exitCode === 0) return attempt;

    lastFailure = describePushFailure(pushed.stdout, pushed.stderr);
    logger.warning(`push to ${upstream.name} was refused (attempt ${attempt} of ${maxAttempts}): ${lastFailure}`);
    if (attempt === maxAttempts) break;

    // Whatever the cause, catching up is harmless, and it is the fix when the remote moved.
    const caughtUp =
      options.auditDir === undefined
        ? await fetchAndRebase(git, upstream, identity, logger)
        : await fetchAndReplayLedger(git, upstream, identity, options.auditDir, logger);
    if (caughtUp.kind === 'fetch-failed') {
      logger.warning(`could not fetch ${upstream.name}: ${redactCredentials(caughtUp.stderr)}`);
    }
  }
  throw new PushFailedError(upstream.name, maxAttempts, lastFailure);
}

/**
 * One line on why a push failed. `--porcelain` reports each ref as `!\t<from>:<to>\t<why>`;
 * the remote's own words (hook output) and transport errors arrive on stderr.
 */
export function describePushFailure(stdout: string, stderr: string): string {
  const refLine = stdout.split('\n').find((line) => line.startsWith('!\t'));
  const reason = refLine?.split('\t')[2]?.trim();
  const remoteSaid = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:') && !/^To /.test(line))
    .join(' | ');
  let summary: string;
  if (reason !== undefined && /\(fetch first\)|\(non-fast-forward\)/.test(reason)) {
    summary = `the remote branch has commits that are not local (${reason})`;
  } else {
    summary = [reason, remoteSaid].filter((part) => part !== undefined && part !== '').join(' — ');
  }
  return redactCredentials(summary === '' ? 'git push exited with an error' : summary);
}
