// The GitHub port over Octokit. Each method is one or a few REST calls; retries and rate
// limits are Octokit's plugins (octokit.ts), messages come from failures.ts and answer
// checking from shapes.ts. Creates are sent once: the callers look before creating again.

import type { Logger } from '../../ports.js';
import { createRedactor } from '../http/redact.js';
import { RequestError } from '@octokit/request-error';
import { isAlreadyExists, toGitHubError } from './failures.js';
import { createOctokit, type GitHubOctokit } from './octokit.js';
import { GitHubError, type GitHubPort, type IssueRef, type LabelSpec, type PullRef } from './port.js';
import { toIssue, toIssues, toPull, toPulls, type IssueItem } from './shapes.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GitHubClientOptions {
  token: string;
  /** "owner/name". */
  repository: string;
  /** GITHUB_API_URL; GitHub Enterprise Server gives e.g. https://ghe.example.com/api/v3. Empty means github.com. */
  apiUrl?: string;
  logger?: Logger;
  /** Extra attempts after a 5xx, a dropped connection (reads and updates only) or a rate limit. Default 3. */
  maxRetries?: number;
  /** Milliseconds per second of a wait GitHub asks for. Default 1000; tests pass 1. */
  retryAfterBaseMs?: number;
  /** Total time one attempt may take. Default 60 s. */
  timeoutMs?: number;
  /** The fetch requests go through; the place to route them through a proxy. */
  fetch?: typeof globalThis.fetch;
}

const PER_PAGE = 100;
/** A create is never re-sent by the retry plugin: its answer may have been lost after it took effect. */
const SEND_ONCE = { request: { retries: 0 } };

function parseApiUrl(value: string | undefined): string {
  const text = value === undefined || value.trim() === '' ? DEFAULT_GITHUB_API_URL : value.trim();
  if (!URL.canParse(text)) throw new GitHubError(`GITHUB_API_URL "${text}" is not a URL`);
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitHubError(`GITHUB_API_URL "${text}" must be an http(s) URL`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (match === null) throw new GitHubError(`repository must look like "owner/name", got "${repository}"`);
  return { owner: match[1] as string, repo: match[2] as string };
}

function publicIssue({ isPullRequest: _ignored, ...issue }: IssueItem): IssueRef {
  return issue;
}

/** True when GitHub answered the call with this status. */
function refusedWith(error: unknown, status: number): error is RequestError {
  return error instanceof RequestError && error.status === status && error.response !== undefined;
}

/** What every call needs: the client, the repository's parameters, and the error translator. */
interface Api {
  octokit: GitHubOctokit;
  repoParams: { owner: string; repo: string };
  fail: (error: unknown) => GitHubError;
}

/** Runs one call; whatever it throws leaves as a redacted GitHubError. */
async function call<T>(api: Api, body: (octokit: GitHubOctokit) => Promise<T>): Promise<T> {
  try {
    return await body(api.octokit);
  } catch (error) {
    throw api.fail(error);
  }
}

async function labelExists({ octokit, repoParams, fail }: Api, name: string): Promise<boolean> {
  try {
    await octokit.rest.issues.getLabel({ ...repoParams, name });
    return true;
  } catch (error) {
    if (refusedWith(error, 404)) return false;
    throw fail(error);
  }
}

async function createLabel({ octokit, repoParams, fail }: Api, { name, color, description }: LabelSpec): Promise<void> {
  try {
    await octokit.rest.issues.createLabel({ ...repoParams, name, color: color.replace(/^#/, ''), description, ...SEND_ONCE });
  } catch (error) {
    // A 422 already_exists means another run created it between our look and our create.
    if (refusedWith(error, 422) && isAlreadyExists(error.response?.data)) return;
    throw fail(error);
  }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubPort {
  if (options.token.trim() === '') {
    throw new GitHubError('no GitHub token: set the github-token input (by default the workflow GITHUB_TOKEN)');
  }
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number of at least 0, got ${maxRetries}`);
  }
  const repoParams = splitRepository(options.repository);
  const apiRoot = parseApiUrl(options.apiUrl);
  const redact = createRedactor([options.token]);
  const octokit = createOctokit({
    token: options.token,
    apiRoot,
    redact,
    maxRetries,
    retryAfterBaseMs: options.retryAfterBaseMs ?? 1000,
    timeoutMs: options.timeoutMs ?? 60_000,
    fetch: options.fetch ?? globalThis.fetch,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const fail = (error: unknown) => toGitHubError(error, { repository: options.repository, apiRoot, redact });
  return portOn({ octokit, repoParams, fail });
}

function portOn(api: Api): GitHubPort {
  const { repoParams } = api;
  return {
    async listIssues({ labels, state }) {
      if (labels.some((label) => label.includes(','))) {
        throw new GitHubError('a label used to find issues cannot contain a comma (GitHub reads the filter as a list)');
      }
      const query = { ...repoParams, state, per_page: PER_PAGE, ...(labels.length > 0 ? { labels: labels.join(',') } : {}) };
      const items = await call(api, (octokit) => octokit.paginate(octokit.rest.issues.listForRepo, query));
      return toIssues(items).filter((item) => !item.isPullRequest).map(publicIssue);
    },

    async createIssue({ title, body, labels }) {
      const created = await call(api, (octokit) => octokit.rest.issues.create({ ...repoParams, title, body, labels: [...labels], ...SEND_ONCE }));
      return publicIssue(toIssue(created.data));
    },

    async updateIssue(number, patch) {
      const { labels, ...rest } = patch;
      const fields = { ...rest, ...(labels === undefined ? {} : { labels: [...labels] }) };
      const updated = await call(api, (octokit) => octokit.rest.issues.update({ ...repoParams, issue_number: number, ...fields }));
      return publicIssue(toIssue(updated.data));
    },

    async createComment(issueNumber, body) {
      await call(api, (octokit) => octokit.rest.issues.createComment({ ...repoParams, issue_number: issueNumber, body, ...SEND_ONCE }));
    },

    async ensureLabels(labels) {
      for (const label of labels) {
        if (!(await labelExists(api, label.name))) await createLabel(api, label);
      }
    },

    async findOpenPullRequest(head, base): Promise<PullRef | undefined> {
      const query = { ...repoParams, state: 'open' as const, head: `${repoParams.owner}:${head}`, base, per_page: PER_PAGE };
      const found = await call(api, (octokit) => octokit.rest.pulls.list(query));
      // Checked again here: GitHub ignores a head filter it cannot read and lists every open pull request.
      return toPulls(found.data).find((pull) => pull.head === head && pull.base === base && pull.state === 'open');
    },

    async createPullRequest({ title, body, head, base }) {
      const created = await call(api, (octokit) => octokit.rest.pulls.create({ ...repoParams, title, body, head, base, ...SEND_ONCE }));
      return toPull(created.data);
    },

    async updatePullRequest(number, patch) {
      const updated = await call(api, (octokit) => octokit.rest.pulls.update({ ...repoParams, pull_number: number, ...patch }));
      return toPull(updated.data);
    },
  };
}
