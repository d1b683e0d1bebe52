// Catching up with a remote that moved, the ledger's way. Two publishers on different days
// both rewrite the manifest and the README, so a textual rebase would conflict on them;
// instead each local ledger commit is replayed onto the fetched upstream with its data
// files as they are and its derived files regenerated (see ledger-replay.ts). Only a
// real conflict fails, and then nothing local has changed. Local commits that are not the
// ledger's (a user's own unpushed work) go through the ordinary rebase.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LedgerDay } from '../../domain/manifest-merge.js';
import { silentLogger, type Logger } from '../../ports.js';
import type { Git, GitIdentity, Upstream } from './git.js';
import { fetchUpstream, rebaseKeepingUserChanges, RebaseConflictError, type CatchUpOutcome } from './git-rebase.js';
import { replayLedgerCommit, type ReplayConflict } from './ledger-replay.js';

/** A day or file both publishers wrote differently; the local commits are left as they were, unpushed. */
export class LedgerConflictError extends RebaseConflictError {
  override readonly name: string = 'LedgerConflictError';
  readonly days: LedgerDay[];
  readonly origin: ReplayConflict['origin'];

  constructor(upstream: string, localSha: string | null, conflict: ReplayConflict) {
    super(upstream, localSha, conflict.paths, describeConflict(upstream, localSha, conflict));
    this.days = conflict.days;
    this.origin = conflict.origin;
  }
}

/** The replayed commits are ready, but the checkout could not be moved onto them. */
export class CheckoutBlockedError extends Error {
  override readonly name = 'CheckoutBlockedError';
  constructor(branchTip: string, replayed: string, options: { cause: unknown }) {
    super(
      `the ledger commits were replayed as ${replayed.slice(0, 12)}, but the checkout could not move there ` +
        `(uncommitted changes or untracked files are in the way); the local commit ${branchTip.slice(0, 12)} is left unpushed`,
      options,
    );
  }
}

interface LocalCommit {
  sha: string;
  parent: string;
}

/**
 * Fetches `upstream` and brings the current branch on top of it: by replaying the ledger
 * commits under `auditDir` (root-relative), or by a rebase when a local commit is not one.
 */
export async function fetchAndReplayLedger(
  git: Git,
  upstream: Upstream,
  identity: GitIdentity,
  auditDir: string,
  logger: Logger = silentLogger,
): Promise<CatchUpOutcome> {
  const fetched = await fetchUpstream(git, upstream);
  if (fetched.kind !== 'behind') return fetched;
  const { onto } = fetched;
  const head = (await git.exec(['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();

  const local = await localLedgerCommits(git, onto, auditDir, identity);
  if (!Array.isArray(local)) {
    logger.info(`${local.notLedger}; catching up by rebasing instead`);
    await rebaseKeepingUserChanges(git, upstream, onto, identity, logger);
    return { kind: 'rebased', onto };
  }

  logger.info(`${upstream.name} moved to ${onto.slice(0, 12)}; replaying ${local.length} ledger commit(s) onto it, regenerating the manifest and README`);
  const scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-replay-'));
  let tip = onto;
  try {
    for (const commit of local) {
      const replayed = await replayLedgerCommit(git, { commit: commit.sha, parent: commit.parent, tip, auditDir, identity, scratch });
      if (replayed.kind === 'conflict') throw new LedgerConflictError(upstream.name, head, replayed.conflict);
      if (replayed.kind === 'replayed') tip = replayed.sha;
      else logger.info(`${commit.sha.slice(0, 12)} is already upstream; dropped`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await moveCheckout(git, head, tip, upstream);
  return { kind: 'replayed', onto };
}

/**
 * The commits HEAD has and `onto` lacks, oldest first, when every one is the ledger's:
 * made by the publishing identity (a reconcile also writes run records) or touching only
 * the audit directory. Otherwise says which one is not.
 */
async function localLedgerCommits(git: Git, onto: string, auditDir: string, identity: GitIdentity): Promise<LocalCommit[] | { notLedger: string }> {
  const listed = await git.exec(['log', '--reverse', '--format=%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce', `${onto}..HEAD`, '--']);
  const commits: LocalCommit[] = [];
  for (const line of listed.stdout.split('\n').filter((text) => text !== '')) {
    const [sha = '', parents = '', authorName, authorEmail, committerName, committerEmail] = line.split('\0');
    const parentList = parents.split(' ').filter((parent) => parent !== '');
    if (parentList.length !== 1) return { notLedger: `local commit ${sha.slice(0, 12)} is a merge` };
    const parent = parentList[0]!;
    const byLedger = sameIdentity(identity, authorName, authorEmail) && sameIdentity(identity, committerName, committerEmail);
    if (!byLedger) {
      const changed = await git.exec(['diff-tree', '-r', '-z', '--no-renames', '--name-only', parent, sha]);
      const outside = changed.stdout.split('\0').find((file) => file !== '' && !file.startsWith(`${auditDir}/`));
      if (outside !== undefined) return { notLedger: `local commit ${sha.slice(0, 12)} changes ${outside}, outside the ledger` };
    }
    commits.push({ sha, parent });
  }
  return commits;
}

function sameIdentity(identity: GitIdentity, name: string | undefined, email: string | undefined): boolean {
  return name === identity.name.trim() && email === identity.email.trim();
}

/**
 * Moves the checkout and the branch from `from` to `to` the way `git checkout` would:
 * the user's staged and unstaged changes to other paths are carried over, and git refuses
 * (changing nothing) when one would be overwritten, untracked files included.
 */
async function moveCheckout(git: Git, from: string, to: string, upstream: Upstream): Promise<void> {
  const moved = await git.exec(['read-tree', '-m', '-u', from, to], { allowFailure: true });
  if (moved.exitCode !== 0) throw new CheckoutBlockedError(from, to, { cause: new Error(moved.stderr.trim()) });
  const updated = await git.exec(['update-ref', '-m', `usage-ledger: replay onto ${upstream.name}`, 'HEAD', to, from], { allowFailure: true });
  if (updated.exitCode !== 0) {
    // HEAD moved meanwhile: put the checkout back where it was, for whoever moved it.
    await git.exec(['read-tree', '-m', '-u', to, from], { allowFailure: true });
    throw new CheckoutBlockedError(from, to, { cause: new Error(updated.stderr.trim()) });
  }
}

const LISTED = 10;

function describeConflict(upstream: string, localSha: string | null, conflict: ReplayConflict): string {
  const parts: string[] = [];
  if (conflict.days.length > 0) {
    parts.push(`day(s) written by both with different content: ${capped(conflict.days.map((day) => `${day.provider} ${day.date}`))}`);
  }
  if (conflict.paths.length > 0) parts.push(`file(s) changed by both: ${capped(conflict.paths)}`);
  if (conflict.origin) parts.push(`the ledger's origin is ${conflict.origin.ours} here and ${conflict.origin.theirs} upstream`);
  return (
    `the ledger commits cannot be replayed onto ${upstream}: ${parts.join('; ')}. ` +
    `Nothing was merged; the local commit ${localSha?.slice(0, 12) ?? '(none)'} is left unpushed`
  );
}

function capped(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
