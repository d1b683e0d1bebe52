// Catching up with a remote that moved: fetch the upstream branch and replay the local
// commits on top of it. The user's uncommitted work must survive this untouched (staged
// stays staged), and a conflict must never leave the repository stuck mid-rebase.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { silentLogger, type Logger } from '../../ports.js';
import { GitError, identityOptions, type Git, type GitIdentity, type Upstream } from './git.js';

export class RebaseConflictError extends Error {
  override readonly name: string = 'RebaseConflictError';

  constructor(
    readonly upstream: string,
    /** HEAD after the abort: the local commit, as it was before the rebase. */
    readonly localSha: string | null,
    /** Root-relative paths that conflicted. */
    readonly conflicts: string[],
    /** Replaces the default message, for catch-ups that say more about what conflicted. */
    message?: string,
  ) {
    const files = conflicts.length > 0 ? ` (${conflicts.join(', ')})` : '';
    super(
      message ??
        `rebasing onto ${upstream} conflicted${files}; the rebase was aborted and the local commit ` +
          `${localSha ?? '(none)'} is left unpushed`,
    );
  }
}

export type FetchOutcome =
  /** The remote could not be fetched; nothing was changed locally. */
  | { kind: 'fetch-failed'; stderr: string }
  /** The local branch already contains the upstream; nothing to replay. */
  | { kind: 'up-to-date' }
  /** The upstream has commits the local branch lacks; `onto` is the exact commit fetched. */
  | { kind: 'behind'; onto: string };

export type CatchUpOutcome =
  | Exclude<FetchOutcome, { kind: 'behind' }>
  | { kind: 'rebased'; onto: string }
  /** The local ledger commits were recreated on top of `onto`, derived files regenerated. */
  | { kind: 'replayed'; onto: string };

/**
 * Fetches `upstream` and rebases the current branch onto it. Throws RebaseConflictError
 * (after aborting the rebase) when the local commits do not apply cleanly.
 */
export async function fetchAndRebase(
  git: Git,
  upstream: Upstream,
  identity: GitIdentity,
  logger: Logger = silentLogger,
): Promise<CatchUpOutcome> {
  const fetched = await fetchUpstream(git, upstream);
  if (fetched.kind !== 'behind') return fetched;
  await rebaseKeepingUserChanges(git, upstream, fetched.onto, identity, logger);
  return { kind: 'rebased', onto: fetched.onto };
}

/** Fetches `upstream` and says whether the local branch lacks any of its commits. */
export async function fetchUpstream(git: Git, upstream: Upstream): Promise<FetchOutcome> {
  const fetched = await git.exec(['fetch', '--quiet', '--no-tags', upstream.remote, upstream.mergeRef], {
    allowFailure: true,
  });
  if (fetched.exitCode !== 0) return { kind: 'fetch-failed', stderr: fetched.stderr.trim() };

  // Catch up with the exact commit just fetched rather than a ref that could move meanwhile.
  const onto = (await git.exec(['rev-parse', '--verify', 'FETCH_HEAD^{commit}'])).stdout.trim();
  const isAncestor = await git.exec(['merge-base', '--is-ancestor', onto, 'HEAD'], { allowFailure: true });
  return isAncestor.exitCode === 0 ? { kind: 'up-to-date' } : { kind: 'behind', onto };
}

/** `git rebase onto`, with the user's uncommitted changes set aside and restored around it. */
export async function rebaseKeepingUserChanges(
  git: Git,
  upstream: Upstream,
  onto: string,
  identity: GitIdentity,
  logger: Logger = silentLogger,
): Promise<void> {
  logger.info(`${upstream.name} moved to ${onto.slice(0, 12)}; rebasing the local commits onto it`);
  const stashed = await stashUserChanges(git, identity);
  try {
    await rebaseOnto(git, upstream, onto, identity);
  } finally {
    if (stashed) await restoreUserChanges(git, logger);
  }
}

async function rebaseOnto(git: Git, upstream: Upstream, onto: string, identity: GitIdentity): Promise<void> {
  // Rebasing rewrites commits, so the committer must be the publishing identity too.
  const who = identityOptions(identity);
  const args = [...who.args, '-c', 'rebase.autoStash=false', 'rebase', '--quiet', '--no-autostash', onto];
  const rebased = await git.exec(args, { allowFailure: true, env: who.env });
  if (rebased.exitCode === 0) return;

  if (!(await rebaseInProgress(git))) {
    // git refused to start (e.g. an untracked file would be overwritten); nothing to undo.
    throw new GitError(args, rebased.exitCode, rebased.stderr);
  }
  const conflicted = await git.exec(['diff', '--name-only', '-z', '--diff-filter=U'], { allowFailure: true });
  const conflicts = conflicted.stdout.split('\0').filter((path) => path !== '');
  await git.exec(['rebase', '--abort']);
  throw new RebaseConflictError(upstream.name, await git.headSha(), conflicts);
}

async function rebaseInProgress(git: Git): Promise<boolean> {
  for (const state of ['rebase-merge', 'rebase-apply']) {
    const located = await git.exec(['rev-parse', '--git-path', state]);
    // --git-path answers relative to the working directory the command ran in.
    if (existsSync(resolve(git.cwd, located.stdout.trim()))) return true;
  }
  return false;
}

/**
 * Sets aside the user's uncommitted changes to tracked files, which would make git refuse
 * to rebase. `rebase --autostash` is not used because it restores staged changes as
 * unstaged ones. Untracked files are left in place: they do not block a rebase.
 */
async function stashUserChanges(git: Git, identity: GitIdentity): Promise<boolean> {
  const dirty = await git.exec(['status', '--porcelain', '--untracked-files=no', '--ignore-submodules']);
  if (dirty.stdout.trim() === '') return false;
  const before = await stashTip(git);
  const who = identityOptions(identity); // a stash is a commit and needs an author
  await git.exec([...who.args, 'stash', 'push', '--quiet', '--message', 'usage-ledger: changes set aside during rebase'], {
    env: who.env,
  });
  return (await stashTip(git)) !== before;
}

async function restoreUserChanges(git: Git, logger: Logger): Promise<void> {
  const popped = await git.exec(['stash', 'pop', '--index', '--quiet'], { allowFailure: true });
  if (popped.exitCode !== 0) {
    logger.warning(
      `could not restore uncommitted changes after the rebase; they are kept in the stash (stash@{0}): ${popped.stderr.trim()}`,
    );
  }
}

async function stashTip(git: Git): Promise<string | null> {
  const result = await git.exec(['rev-parse', '--verify', '--quiet', 'refs/stash'], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}
