// Publishing what a command wrote: exactly those files, one commit with the tool's own
// identity, pushed when the branch has an upstream.

import path from 'node:path';
import type { Logger } from '../ports.js';
import { commitPaths } from '../adapters/git/commit.js';
import type { Git } from '../adapters/git/git.js';
import type { Repository } from './workspace.js';
import { toRepoPath } from './update-ledger.js';

/** Commits are made by this identity, passed per command; the user's git config is never touched. */
export const LEDGER_IDENTITY = { name: 'usage-ledger', email: 'usage-ledger@users.noreply.github.com' };

/** The checkout the command runs in, or undefined outside one. */
export async function findRepository(git: Git): Promise<Repository | undefined> {
  const result = await git.exec(['rev-parse', '--show-toplevel', '--absolute-git-dir'], { allowFailure: true });
  if (result.exitCode !== 0) return undefined;
  const [root, gitDir] = result.stdout.trim().split('\n');
  return root && gitDir ? { root, gitDir } : undefined;
}

export async function publishCommit(options: {
  git: Git;
  repoRoot: string;
  files: readonly string[];
  message: string;
  /**
   * The audit directory, absolute or relative to the git working directory (as the
   * audit-dir option is): a refused push then replays the ledger commits onto the remote's
   * and regenerates the manifest and README, so concurrent runs on other days both publish.
   */
  auditDir: string;
  logger: Logger;
}): Promise<{ sha: string | null; pushed: boolean }> {
  const { logger } = options;
  const published = await logger.group('Commit', () =>
    commitPaths(options.git, {
      paths: options.files.map((file) => toRepoPath(options.repoRoot, file)),
      message: options.message,
      identity: LEDGER_IDENTITY,
      push: true,
      auditDir: path.resolve(options.git.cwd, options.auditDir),
      logger,
    }),
  );
  if (published.committed && !published.pushed) logger.info('Committed locally; the branch has no upstream, so nothing was pushed');
  return { sha: published.sha, pushed: published.pushed };
}
