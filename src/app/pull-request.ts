// Pull-request mode: the run's files as one commit on usage-ledger/<command>, and one
// open pull request from that branch, created once and updated in place afterwards.

import type { Logger } from '../ports.js';
import { commitToBranch } from '../adapters/git/branch-commit.js';
import type { Git, GitIdentity } from '../adapters/git/git.js';
import { GitHubError, type GitHubPort, type PullRef } from '../adapters/github/port.js';

export type PullRequestOperation = 'created' | 'updated' | 'unchanged';

export interface PullRequestResult {
  number: number;
  url: string;
  operation: PullRequestOperation;
  sha: string;
}

/**
 * Creates a pull request, surviving a lost answer: after an uncertain failure (5xx or a
 * dropped connection) it looks for the pull request before trying again, so a retry never
 * opens a second one.
 */
async function createOnce(github: GitHubPort, input: { title: string; body: string; head: string; base: string }, attempts = 3): Promise<PullRef> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await github.createPullRequest(input);
    } catch (error) {
      if (!(error instanceof GitHubError) || !error.uncertain || attempt >= attempts) throw error;
      const existing = await github.findOpenPullRequest(input.head, input.base);
      if (existing) return existing;
    }
  }
}

export async function publishPullRequest(options: {
  git: Git;
  github: GitHubPort;
  command: string;
  base: string;
  remote: string;
  paths: readonly string[];
  message: string;
  title: string;
  identity: GitIdentity;
  /** The body links to files at the pushed commit, so it is built once the sha is known. */
  bodyFor: (sha: string) => string;
  logger: Logger;
}): Promise<PullRequestResult> {
  const branch = `usage-ledger/${options.command}`;
  const commit = await commitToBranch(options.git, { branch, remote: options.remote, paths: options.paths, message: options.message, identity: options.identity });
  const sha = commit.sha as string;
  const body = options.bodyFor(sha);
  const existing = await options.github.findOpenPullRequest(branch, options.base);
  if (existing) {
    if (commit.unchanged && existing.body === body && existing.title === options.title) {
      return { number: existing.number, url: existing.html_url, operation: 'unchanged', sha };
    }
    const updated = await options.github.updatePullRequest(existing.number, { title: options.title, body });
    options.logger.info(`Updated pull request #${updated.number} from ${branch}`);
    return { number: updated.number, url: updated.html_url, operation: 'updated', sha };
  }
  const created = await createOnce(options.github, { title: options.title, body, head: branch, base: options.base });
  options.logger.info(`Opened pull request #${created.number} from ${branch}`);
  return { number: created.number, url: created.html_url, operation: 'created', sha };
}
