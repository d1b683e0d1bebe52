// Publishing what a command wrote: exactly those files, one commit with the tool's own
// identity, pushed when the branch has an upstream.

import type { Logger } from '../ports.js';
import { commitPaths } from '../publish/commit.js';
import type { Git } from '../publish/git.js';
import { toRepoPath } from './update-ledger.js';

/** Commits are made by this identity, passed per command; the user's git config is never touched. */
export const LEDGER_IDENTITY = { name: 'usage-ledger', email: 'usage-ledger@users.noreply.github.com' };

export async function repositoryRoot(git: Git): Promise<string | undefined> {
  const result = await git.exec(['rev-parse', '--show-toplevel'], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function publishCommit(options: {
  git: Git;
  repoRoot: string;
  files: readonly string[];
  message: string;
  logger: Logger;
}): Promise<{ sha: string | null; pushed: boolean }> {
  const { logger } = options;
  const published = await logger.group('Commit', () =>
    commitPaths(options.git, {
      paths: options.files.map((file) => toRepoPath(options.repoRoot, file)),
      message: options.message,
      identity: LEDGER_IDENTITY,
      push: true,
      logger,
    }),
  );
  if (published.committed && !published.pushed) logger.info('Committed locally; the branch has no upstream, so nothing was pushed');
  return { sha: published.sha, pushed: published.pushed };
}
