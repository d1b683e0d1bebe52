// Turns a refused GitHub request into a message that says what to change. The common
// failures of a workflow token (expired, missing permission, pull requests disabled for
// Actions) are configuration mistakes: the message names the setting, not just the status.

import { RequestError } from '@octokit/request-error';
import type { Redactor } from '../http/redact.js';
import { GitHubError } from './port.js';

/** Which workflow permission a REST path needs to write. */
type Permission = 'issues' | 'pull-requests' | 'contents';

export interface RefusedRequest {
  method: string;
  /** The URL path only: queries stay out of messages. */
  path: string;
  status: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  repository: string;
}

function permissionFor(path: string): Permission | undefined {
  if (/\/pulls(\/|$)/.test(path)) return 'pull-requests';
  if (/\/(issues|labels)(\/|$)/.test(path)) return 'issues';
  if (/\/(contents|git)(\/|$)/.test(path)) return 'contents';
  return undefined;
}

/** GitHub's own words: `message`, then each `errors[]` entry, which is where 422s say why. */
export function githubMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text === '' ? undefined : text.slice(0, 300);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const parts: string[] = typeof message === 'string' && message !== '' ? [message] : [];
  if (Array.isArray(errors)) {
    for (const entry of errors as unknown[]) {
      if (typeof entry === 'string') parts.push(entry);
      else if (typeof entry === 'object' && entry !== null) {
        const { message: text, resource, field, code } = entry as Record<string, unknown>;
        if (typeof text === 'string') parts.push(text);
        else parts.push([resource, field, code].filter((part) => typeof part === 'string').join(' '));
      }
    }
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** A 422 saying the thing being created is already there (a label another run just made). */
export function isAlreadyExists(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { errors } = body as { errors?: unknown };
  return (
    Array.isArray(errors) &&
    errors.some((entry: unknown) => typeof entry === 'object' && entry !== null && (entry as { code?: unknown }).code === 'already_exists')
  );
}

function advice({ method, path, status, repository }: RefusedRequest, said: string): string | undefined {
  if (status === 401) {
    return 'the token is invalid or expired; check the github-token input (by default the workflow GITHUB_TOKEN)';
  }
  const permission = permissionFor(path);
  if ((status === 403 || status === 404) && permission !== undefined) {
    if (/not accessible by integration/i.test(said)) {
      return `the token lacks the \`${permission}: write\` permission; add \`permissions: ${permission}: write\` to the workflow (or the job)`;
    }
    if (/not accessible by personal access token/i.test(said)) {
      return `the personal access token lacks write access to ${permission} in ${repository}; grant it or use the workflow GITHUB_TOKEN`;
    }
  }
  if (status === 422 && /not permitted to create or approve pull requests/i.test(said)) {
    return (
      `enable "Allow GitHub Actions to create and approve pull requests" in ${repository}'s ` +
      'Settings → Actions → General → Workflow permissions (or in the organization’s, where it may be locked)'
    );
  }
  if (status === 404) {
    return `check that ${repository} exists, that the number is right, and that the token can see the repository`;
  }
  if (status === 403 && method !== 'GET') {
    return `the token may not write to ${repository}; check the workflow's \`permissions:\``;
  }
  if (status >= 500) return 'the request may or may not have taken effect';
  return undefined;
}

/** `GitHub refused POST /repos/o/r/issues (403: <GitHub's words>): <what to do>`. Not yet redacted. */
export function describeRefusal(refused: RefusedRequest): string {
  const said = githubMessage(refused.body) ?? '';
  const status = said === '' ? `${refused.status}` : `${refused.status}: ${said}`;
  const verb = refused.status >= 500 ? 'failed' : 'refused';
  const what = advice(refused, said);
  return `GitHub ${verb} ${refused.method} ${refused.path} (${status})${what === undefined ? '' : `: ${what}`}`;
}

/** The innermost reason a request got no answer, e.g. `UND_ERR_SOCKET: other side closed`. */
function networkReason(error: Error): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const innermost = current as Error & { code?: unknown };
  return typeof innermost.code === 'string' ? `${innermost.code}: ${innermost.message}` : innermost.message;
}

/** When a rate-limit refusal lifts, or undefined when the refusal is not one. */
function rateLimitLifts(status: number, headers: Record<string, unknown>, said: string): string | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) && reset > 0 ? `it lifts at about ${at(reset)}` : 'it lifts within the hour';
  }
  if (/secondary rate limit/i.test(said) || headers['retry-after'] !== undefined) {
    const wait = Number(headers['retry-after']);
    return Number.isFinite(wait) ? `it lifts at about ${at(Date.now() / 1000 + wait)}` : 'wait a few minutes before trying again';
  }
  return undefined;
}

/**
 * The GitHubError for whatever a GitHub call threw, redacted. Octokit's own error is kept
 * as the cause only when no answer came: an answer's text may echo the token.
 */
export function toGitHubError(error: unknown, context: { repository: string; apiRoot: string; redact: Redactor }): GitHubError {
  const { repository, apiRoot, redact } = context;
  if (error instanceof GitHubError) return error;
  if (!(error instanceof RequestError)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new GitHubError(redact(`GitHub request failed (${reason}); it may or may not have taken effect`), { uncertain: true, cause: error });
  }
  const method = error.request.method;
  const path = new URL(error.request.url).pathname;
  const where = `${method} ${path}`;
  if (error.response === undefined) {
    const message = `Could not reach GitHub for ${where} at ${apiRoot} (${networkReason(error)}); the request may or may not have taken effect`;
    return new GitHubError(redact(message), { uncertain: true, cause: error });
  }
  const { status, headers, data } = error.response;
  const lifts = rateLimitLifts(status, headers, githubMessage(data) ?? '');
  if (lifts !== undefined) {
    return new GitHubError(redact(`GitHub rate limit reached for ${where} (${status}); ${lifts}`), { status });
  }
  const message = describeRefusal({ method, path, status, body: data, repository });
  return new GitHubError(redact(message), { status, uncertain: status >= 500 });
}
