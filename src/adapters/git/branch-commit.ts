// Pull-request mode commits to a branch of its own without touching the checkout: the
// written files are staged into a temporary index on top of the base commit, written as
// a tree, committed with the tool's identity, and force-pushed (with a lease on what the
// branch held) to usage-ledger/<command>. Each run rebuilds the branch from the base, so
// the pull request always shows the ledger's change against the base, in one commit.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Git, type GitIdentity, identityOptions, rootPathspec } from './git.js';

export interface BranchCommitResult {
  /** The commit now at the branch, or null when the run wrote nothing new for it. */
  sha: string | null;
  /** The branch's tree was already what this run produced. */
  unchanged: boolean;
}

export class BranchPushError extends Error {
  constructor(branch: string, detail: string) {
    super(`could not push ${branch}: ${detail}`);
    this.name = 'BranchPushError';
  }
}

async function remoteBranchSha(git: Git, remote: string, branch: string): Promise<string | null> {
  const listed = await git.exec(['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
  const sha = listed.stdout.trim().split(/\s+/)[0];
  return sha ? sha : null;
}

export async function commitToBranch(
  git: Git,
  options: { branch: string; remote: string; paths: readonly string[]; message: string; identity: GitIdentity },
): Promise<BranchCommitResult> {
  const base = (await git.exec(['rev-parse', 'HEAD'])).stdout.trim();
  const scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-index-'));
  const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
  let tree: string;
  try {
    await git.exec(['read-tree', base], { env });
    await git.exec(['add', '-A', '--', ...options.paths.map(rootPathspec)], { env });
    tree = (await git.exec(['write-tree'], { env })).stdout.trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const current = await remoteBranchSha(git, options.remote, options.branch);
  if (current) {
    // Known locally only after a fetch; compare trees so an identical rerun pushes nothing.
    await git.exec(['fetch', '--quiet', options.remote, `refs/heads/${options.branch}`]);
    const currentTree = (await git.exec(['rev-parse', `${current}^{tree}`])).stdout.trim();
    const currentParent = (await git.exec(['rev-parse', `${current}^`], { allowFailure: true })).stdout.trim();
    if (currentTree === tree && currentParent === base) return { sha: current, unchanged: true };
  }
  const identity = identityOptions(options.identity);
  const sha = (await git.exec([...identity.args, 'commit-tree', tree, '-p', base, '-m', options.message], { env: identity.env })).stdout.trim();
  const lease = `--force-with-lease=refs/heads/${options.branch}:${current ?? ''}`;
  const pushed = await git.exec(['push', '--quiet', lease, options.remote, `${sha}:refs/heads/${options.branch}`], { allowFailure: true });
  if (pushed.exitCode !== 0) throw new BranchPushError(options.branch, pushed.stderr.trim() || `git push exited with ${pushed.exitCode}`);
  return { sha, unchanged: false };
}
