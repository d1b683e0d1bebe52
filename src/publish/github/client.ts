// The GitHub port over the REST API. Each method is one or a few REST calls; retries,
// redaction and error messages live in the transport, answer checking in shapes.

import type { Clock, Logger } from '../../ports.js';
import { isAlreadyExists } from './failures.js';
import { GitHubError, type GitHubPort, type IssueRef, type LabelSpec, type PullRef } from './port.js';
import { nextLink, toIssue, toIssues, toPull, toPulls, type IssueItem } from './shapes.js';
import { createTransport } from './transport.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GitHubClientOptions {
  token: string;
  /** "owner/name". */
  repository: string;
  /** GITHUB_API_URL; GitHub Enterprise Server gives e.g. https://ghe.example.com/api/v3. Empty means github.com. */
  apiUrl?: string;
  clock: Clock;
  logger?: Logger;
  /** Extra attempts for GET and PATCH (and for any request refused by a rate limit). Default 3. */
  maxRetries?: number;
}

const PER_PAGE = '100';

function parseApiUrl(value: string | undefined): URL {
  const text = value === undefined || value.trim() === '' ? DEFAULT_GITHUB_API_URL : value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GitHubError(`GITHUB_API_URL "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitHubError(`GITHUB_API_URL "${text}" must be an http(s) URL`);
  }
  return url;
}

function splitRepository(repository: string): [string, string] {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (match === null) throw new GitHubError(`repository must look like "owner/name", got "${repository}"`);
  return [match[1] as string, match[2] as string];
}

function publicIssue({ isPullRequest: _ignored, ...issue }: IssueItem): IssueRef {
  return issue;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubPort {
  if (options.token.trim() === '') {
    throw new GitHubError('no GitHub token: set the github-token input (by default the workflow GITHUB_TOKEN)');
  }
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number of at least 0, got ${maxRetries}`);
  }
  const [owner, name] = splitRepository(options.repository);
  const repo = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const { send } = createTransport({
    token: options.token,
    apiUrl: parseApiUrl(options.apiUrl),
    repository: options.repository,
    clock: options.clock,
    maxRetries,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });

  async function getLabel(label: string): Promise<boolean> {
    const found = await send('GET', `${repo}/labels/${encodeURIComponent(label)}`, {
      accept: (response) => response.status === 404,
    });
    return found.status !== 404;
  }

  async function createLabel(label: LabelSpec): Promise<void> {
    // A 422 already_exists means another run created it between our GET and POST.
    await send('POST', `${repo}/labels`, {
      body: { name: label.name, color: label.color.replace(/^#/, ''), description: label.description },
      accept: (response) => response.status === 422 && isAlreadyExists(response.body),
    });
  }

  return {
    async listIssues({ labels, state }) {
      if (labels.some((label) => label.includes(','))) {
        throw new GitHubError('a label used to find issues cannot contain a comma (GitHub reads the filter as a list)');
      }
      const query: Record<string, string> = { state, per_page: PER_PAGE };
      if (labels.length > 0) query.labels = labels.join(',');
      const issues: IssueRef[] = [];
      // GitHub's Link header names the next page; following it also works behind a proxy.
      let page = await send('GET', `${repo}/issues`, { query });
      for (;;) {
        for (const item of toIssues(page.body)) if (!item.isPullRequest) issues.push(publicIssue(item));
        const next = nextLink(page.headers.link);
        if (next === undefined) return issues;
        page = await send('GET', next);
      }
    },

    async createIssue({ title, body, labels }) {
      const created = await send('POST', `${repo}/issues`, { body: { title, body, labels } });
      return publicIssue(toIssue(created.body));
    },

    async updateIssue(number, patch) {
      const updated = await send('PATCH', `${repo}/issues/${number}`, { body: patch });
      return publicIssue(toIssue(updated.body));
    },

    async createComment(issueNumber, body) {
      await send('POST', `${repo}/issues/${issueNumber}/comments`, { body: { body } });
    },

    async ensureLabels(labels) {
      for (const label of labels) {
        if (!(await getLabel(label.name))) await createLabel(label);
      }
    },

    async findOpenPullRequest(head, base): Promise<PullRef | undefined> {
      const found = await send('GET', `${repo}/pulls`, {
        query: { state: 'open', head: `${owner}:${head}`, base, per_page: PER_PAGE },
      });
      // Checked again here: GitHub ignores a head filter it cannot read and lists every open pull request.
      return toPulls(found.body).find((pull) => pull.head === head && pull.base === base && pull.state === 'open');
    },

    async createPullRequest({ title, body, head, base }) {
      const created = await send('POST', `${repo}/pulls`, { body: { title, body, head, base } });
      return toPull(created.body);
    },

    async updatePullRequest(number, patch) {
      const updated = await send('PATCH', `${repo}/pulls/${number}`, { body: patch });
      return toPull(updated.body);
    },
  };
}
