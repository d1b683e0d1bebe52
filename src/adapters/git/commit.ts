// Publishes the files a run wrote as one commit: only those paths are staged and
// committed, whatever else the user has modified or staged, and the commit is pushed to
// the branch's upstream when asked, catching up with concurrent publishers if needed.

import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { silentLogger, type Logger } from '../../ports.js';
import { identityOptions, rootPathspec, type Git, type GitIdentity } from './git.js';
import { pushWithRetry } from './git-push.js';

export interface CommitPathsOptions {
  /**
   * Files or directories, relative to the repository root or absolute; may include files
   * the run deleted. None: only push ledger commits an earlier run left unpushed.
   */
  paths: string[];
  message: string;
  identity: GitIdentity;
  push: boolean;
  /**
   * The audit directory (relative to the repository root, or absolute): when given, a
   * rejected push replays the ledger commits onto the remote's and regenerates the
   * manifest and README, instead of rebasing their text.
   */
  auditDir?: string;
  /** Total push attempts, the first included. Default 3. */
  maxPushAttempts?: number;
  logger?: Logger;
}

export interface CommitPathsResult {
  committed: boolean;
  /** HEAD after the commit (and after any rebase), or null when nothing was committed. */
  sha: string | null;
  pushed: boolean;
  pushAttempts: number;
}

export async function commitPaths(git: Git, options: CommitPathsOptions): Promise<CommitPathsResult> {
  const logger = options.logger ?? silentLogger;
  if (options.message.trim() === '') throw new Error('a commit message is required');

  const root = await git.repoRoot();
  const paths = options.paths.map((path) => toRootRelative(root, path));
  const committed = paths.length > 0 && (await commitOnly(git, paths, options.message, options.identity, logger));
  const notPushed = async () => ({ committed, sha: committed ? await git.headSha() : null, pushed: false, pushAttempts: 0 });
  if (!options.push) return notPushed();
  if ((await git.currentBranch()) === null) {
    if (committed) logger.info('HEAD is detached; the commit was made but not pushed');
    return notPushed();
  }
  const upstream = await git.upstream();
  if (upstream === null) return notPushed();
  if (!committed) {
    // A run killed between its commit and its push leaves that commit here; nothing else would send it.
    const pending = await unpushedCommitsOf(git, options.identity);
    if (pending === 0) return notPushed();
    logger.info(`pushing ${pending} ledger commit(s) that an earlier run made but did not push`);
  }

  const pushAttempts = await pushWithRetry(git, {
    upstream,
    identity: options.identity,
    maxAttempts: options.maxPushAttempts ?? 3,
    ...(options.auditDir === undefined ? {} : { auditDir: toRootRelative(root, options.auditDir) }),
    logger,
  });
  const sha = await git.headSha();
  logger.info(`pushed ${sha?.slice(0, 12)} to ${upstream.name}`);
  return { committed, sha, pushed: true, pushAttempts };
}

/** Commits on the branch that its upstream lacks, if all of them are `identity`'s; else 0. */
async function unpushedCommitsOf(git: Git, identity: GitIdentity): Promise<number> {
  const listed = await git.exec(['log', '--format=%ce', '@{upstream}..HEAD'], { allowFailure: true });
  if (listed.exitCode !== 0) return 0;
  const committers = listed.stdout.split('\n').filter((line) => line !== '');
  return committers.every((email) => email === identity.email) ? committers.length : 0;
}

/**
 * Commits the changes under `paths` and nothing else. `git commit --only` takes exactly the
 * named files from the work tree and leaves the rest of the index (the user's own staged
 * work) as it was. Returns false when those paths hold no change.
 */
async function commitOnly(
  git: Git,
  paths: string[],
  message: string,
  identity: GitIdentity,
  logger: Logger,
): Promise<boolean> {
  const entries = await git.statusOf(paths);
  const ignored = entries.filter((entry) => entry.index === '!');
  if (ignored.length > 0) {
    logger.warning(`not committing paths matched by .gitignore: ${ignored.map((entry) => entry.path).join(', ')}`);
  }
  const changed = entries.filter((entry) => entry.index !== '!');
  if (changed.length === 0) return false;

  // Exact files from status, not the caller's paths: a path that no longer exists anywhere
  // (neither on disk nor in the index) would make `git add` fail on an unmatched pathspec.
  const files = uniq(changed.flatMap((entry) => [entry.path, ...(entry.originalPath ? [entry.originalPath] : [])]));
  const inWorktree = changed.filter((entry) => entry.worktree !== ' ').map((entry) => entry.path);
  if (inWorktree.length > 0) await git.exec(['add', '-A', '--', ...uniq(inWorktree).map(rootPathspec)]);

  // Content can differ from the index yet equal HEAD (a change made and undone); then there is nothing to commit.
  if ((await git.headSha()) !== null) {
    const diff = await git.exec(['diff', '--cached', '--quiet', 'HEAD', '--', ...files.map(rootPathspec)], {
      allowFailure: true,
    });
    if (diff.exitCode === 0) return false;
  }

  const who = identityOptions(identity);
  await git.exec([...who.args, 'commit', '--quiet', '--only', '--no-edit', '-m', message, '--', ...files.map(rootPathspec)], {
    env: who.env,
  });
  return true;
}

/**
 * Turns a caller's path into one relative to the repository root, refusing anything outside
 * the repository or the root itself (committing "everything" is never what a run means).
 */
export function toRootRelative(root: string, path: string): string {
  const absolute = isAbsolute(path) ? canonical(path) : join(root, path);
  const rel = relative(root, absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`path ${path} is not a file or directory inside the repository ${root}`);
  }
  return rel.split(sep).join('/');
}

// The repository root git reports has symlinks resolved (e.g. macOS /var -> /private/var);
// resolve the caller's absolute path the same way, through its nearest existing ancestor,
// since the path itself may have been deleted.
function canonical(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(canonical(parent), basename(path));
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}
