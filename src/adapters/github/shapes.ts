// What an issue or pull request answer must hold before publishing reads it. Only the
// fields the port exposes are required; everything else GitHub sends is ignored, so an
// API that adds fields keeps working and one that drops a field fails loudly here.

import { z } from 'zod';
import { GitHubError, type IssueRef, type PullRef } from './port.js';

const state = z.enum(['open', 'closed']);
/** GitHub sends label objects; a label given as a bare string is accepted too. */
const label = z.union([z.string(), z.object({ name: z.string() })]);

const issueSchema = z.object({
  number: z.number().int().positive(),
  state,
  title: z.string(),
  body: z.string().nullable().optional(),
  labels: z.array(label),
  html_url: z.string(),
  /** Present only when the "issue" is a pull request. */
  pull_request: z.unknown().optional(),
});

const pullSchema = z.object({
  number: z.number().int().positive(),
  state,
  title: z.string(),
  body: z.string().nullable().optional(),
  head: z.object({ ref: z.string() }),
  base: z.object({ ref: z.string() }),
  html_url: z.string(),
});

export type IssueItem = IssueRef & { isPullRequest: boolean };

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const where = result.error.issues[0]?.path.join('.') ?? '';
  throw new GitHubError(`GitHub answered with an unexpected ${what}${where === '' ? '' : ` (at ${where})`}`);
}

export function toIssue(value: unknown): IssueItem {
  const issue = parse(issueSchema, value, 'issue');
  return {
    number: issue.number,
    state: issue.state,
    title: issue.title,
    body: issue.body ?? '',
    labels: issue.labels.map((entry) => (typeof entry === 'string' ? entry : entry.name)),
    html_url: issue.html_url,
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
  };
}

export function toIssues(value: unknown): IssueItem[] {
  if (!Array.isArray(value)) throw new GitHubError('GitHub answered with an unexpected issue list (not an array)');
  return value.map(toIssue);
}

export function toPull(value: unknown): PullRef {
  const pull = parse(pullSchema, value, 'pull request');
  return {
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body ?? '',
    head: pull.head.ref,
    base: pull.base.ref,
    html_url: pull.html_url,
  };
}

export function toPulls(value: unknown): PullRef[] {
  if (!Array.isArray(value)) throw new GitHubError('GitHub answered with an unexpected pull request list (not an array)');
  return value.map(toPull);
}
