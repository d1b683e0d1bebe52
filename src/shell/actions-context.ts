// Where the action runs, as @actions/github's context reads it from the runner: the
// repository (or the event's, when the variable is missing), the server and API URLs of
// github.com or an Enterprise Server, and the run id for links back to the run.

import { context } from '@actions/github';
import type { RunnerContext } from '../config/github-settings.js';

export function actionsRunnerContext(): RunnerContext {
  let repository: string | undefined;
  try {
    repository = `${context.repo.owner}/${context.repo.repo}`;
  } catch {
    // Neither GITHUB_REPOSITORY nor an event payload names one: not inside a workflow.
    repository = undefined;
  }
  return {
    repository,
    serverUrl: context.serverUrl,
    apiUrl: context.apiUrl,
    runId: Number.isSafeInteger(context.runId) && context.runId > 0 ? context.runId : undefined,
  };
}
