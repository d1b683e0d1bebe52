// The GitHub half of the settings: the token, the repository, and where the run is. Inside
// Actions the action reads the run's place from @actions/github's context; the CLI reads the
// same variables from its environment, since it may run anywhere.

import { UsageError } from '../errors.js';
import { parseUrl } from './values.js';

/** Where a run inside GitHub Actions is; all optional outside Actions. */
export interface RunnerContext {
  /** owner/name. */
  repository: string | undefined;
  serverUrl: string;
  /** GitHub Enterprise Server gives e.g. https://ghe.example.com/api/v3. */
  apiUrl: string;
  runId: number | undefined;
}

export interface GitHubSettings {
  githubToken: string | undefined;
  /** owner/name, from --repository or the runner. */
  repository: string | undefined;
  githubApiUrl: string;
  /** For links in bodies. */
  githubServerUrl: string;
  /** The workflow run's page, when running inside Actions. */
  runUrl: string | undefined;
}

/** The runner's variables as the CLI sees them in its environment. */
export function runnerContextFromEnv(env: Readonly<Record<string, string | undefined>>): RunnerContext {
  const runId = Number(env.GITHUB_RUN_ID);
  return {
    repository: env.GITHUB_REPOSITORY?.trim() || undefined,
    serverUrl: env.GITHUB_SERVER_URL?.trim() || 'https://github.com',
    apiUrl: env.GITHUB_API_URL?.trim() || 'https://api.github.com',
    runId: Number.isSafeInteger(runId) && runId > 0 ? runId : undefined,
  };
}

export function parseGitHubSettings(
  given: { token: string | undefined; repository: string | undefined; publish: string },
  env: Readonly<Record<string, string | undefined>>,
  runner: RunnerContext,
): GitHubSettings {
  const githubToken = given.token?.trim() || env.GITHUB_TOKEN?.trim() || undefined;
  const repository = given.repository ?? runner.repository;
  if (repository !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new UsageError(`expected owner/name, got ${JSON.stringify(repository)}`, 'repository');
  }
  if (given.publish === 'pull-request' && !githubToken) {
    throw new UsageError('pull-request mode needs a GitHub token: set the input github-token (or GITHUB_TOKEN), with contents: write and pull-requests: write', 'github-token');
  }
  if (given.publish === 'pull-request' && !repository) {
    throw new UsageError('pull-request mode needs the repository: set --repository owner/name (GITHUB_REPOSITORY inside Actions)', 'repository');
  }
  const githubServerUrl = parseUrl('GITHUB_SERVER_URL', runner.serverUrl);
  return {
    githubToken,
    repository,
    githubApiUrl: parseUrl('GITHUB_API_URL', runner.apiUrl),
    githubServerUrl,
    runUrl: runner.runId !== undefined && repository ? `${githubServerUrl}/${repository}/actions/runs/${runner.runId}` : undefined,
  };
}
