// The GitHub port: the few calls publishing needs (issues, comments, labels, pull
// requests). One real implementation over the REST API; tests run it against a stateful
// loopback fake. POSTs are never retried blindly: a create whose answer was lost may
// have happened, so callers look again before creating again.

export interface IssueRef {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  labels: string[];
  html_url: string;
}

export interface PullRef {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  /** Branch name without the owner. */
  head: string;
  base: string;
  html_url: string;
}

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

export interface GitHubPort {
  /** Issues (never pull requests) carrying every one of `labels`, all pages. */
  listIssues(query: { labels: readonly string[]; state: 'open' | 'closed' | 'all' }): Promise<IssueRef[]>;
  createIssue(input: { title: string; body: string; labels: readonly string[] }): Promise<IssueRef>;
  updateIssue(number: number, patch: { title?: string; body?: string; state?: 'open' | 'closed'; labels?: readonly string[] }): Promise<IssueRef>;
  createComment(issueNumber: number, body: string): Promise<void>;
  /** Creates the labels that do not exist yet; existing ones are left as they are. */
  ensureLabels(labels: readonly LabelSpec[]): Promise<void>;
  /** The open pull request from `head` (a branch of this repository) into `base`, if any. */
  findOpenPullRequest(head: string, base: string): Promise<PullRef | undefined>;
  createPullRequest(input: { title: string; body: string; head: string; base: string }): Promise<PullRef>;
  updatePullRequest(number: number, patch: { title?: string; body?: string }): Promise<PullRef>;
}

/** What went wrong talking to GitHub, with what to do about it where that is known. */
export class GitHubError extends Error {
  readonly status: number | undefined;
  /** True for a 5xx or network failure: the request may or may not have taken effect. */
  readonly uncertain: boolean;
  constructor(message: string, options: { status?: number; uncertain?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GitHubError';
    this.status = options.status;
    this.uncertain = options.uncertain ?? false;
  }
}
