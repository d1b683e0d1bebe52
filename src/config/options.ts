// Every input and flag, defined once: its name, default, format and description. The CLI
// parser, the action's input reader, `--help` and action.yml are all generated from this
// table, so an action input `foo-bar` is always the flag `--foo-bar`.

export const COMMANDS = ['sync', 'backfill', 'reconcile', 'simulate', 'demo'] as const;
export type CommandName = (typeof COMMANDS)[number];
/** The commands the action runs; simulate and demo belong to a terminal. */
export const ACTION_COMMANDS = ['sync', 'backfill', 'reconcile'] as const satisfies readonly CommandName[];

export type OptionKind = 'string' | 'integer' | 'boolean' | 'list' | 'date' | 'choice' | 'percent' | 'instant' | 'url' | 'path' | 'secret';

export interface OptionSpec {
  name: string;
  kind: OptionKind;
  /** The default as a user would type it; undefined when there is none. */
  default?: string;
  choices?: readonly string[];
  description: string;
  /** Environment variables a secret is read from, in order (secrets are never flags). */
  env?: readonly string[];
  /** Only an action input (the command is a positional word on the command line). */
  actionOnly?: boolean;
  /** Flags with no action input (serving the simulator, say). */
  cliOnly?: boolean;
  /** The commands the option applies to, for each command's --help; absent: sync, backfill and reconcile. */
  commands?: readonly CommandName[];
}

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'command', kind: 'choice', default: 'sync', choices: ACTION_COMMANDS, actionOnly: true, description: 'What to run: sync (the trailing --days), backfill (a date range) or reconcile (fill tokens into run records).' },
  { name: 'audit-dir', kind: 'path', default: 'audit', description: 'The ledger directory, inside the repository.' },
  { name: 'runs-dir', kind: 'path', default: 'runs', commands: ['reconcile'], description: 'reconcile: the directory of run records, runs/<framework>/<run_id>/metrics.json, inside the repository.' },
  { name: 'framework', kind: 'string', commands: ['reconcile'], description: 'reconcile: only runs of this framework (on the command line also the first word after the command).' },
  { name: 'run-id', kind: 'string', commands: ['reconcile'], description: 'reconcile: only this run (on the command line also the second word after the command).' },
  { name: 'min-age', kind: 'integer', default: '30', commands: ['reconcile'], description: 'reconcile: minutes since a run\'s last step ended before the provider is asked about it.' },
  { name: 'max-age', kind: 'integer', default: '24', commands: ['reconcile'], description: 'reconcile: hours after which an unreconciled run is no longer pending (use --force to reconcile it anyway).' },
  { name: 'list', kind: 'boolean', default: 'false', commands: ['reconcile'], description: 'reconcile: print the pending runs with their age and exit.' },
  { name: 'run-scopes', kind: 'string', commands: ['reconcile'], description: 'reconcile: framework-to-scope map for runs without usage_scope: "chatdev=key_abc,metagpt=proj_xyz" (key_ or proj_ ids), or the path of a JSON file {"chatdev": {"api_key_id": "key_abc"}}.' },
  { name: 'allow-unscoped', kind: 'boolean', default: 'false', commands: ['reconcile'], description: 'reconcile: read runs without a scope against the whole organization; only right when nothing else used the API at the same time.' },
  { name: 'reconcile-margin', kind: 'integer', default: '60', commands: ['reconcile'], description: 'reconcile: seconds added before and after the runs\' time range when querying per-minute usage.' },
  { name: 'providers', kind: 'list', default: 'openai', choices: ['openai'], commands: ['sync', 'backfill'], description: 'Comma-separated providers to fetch.' },
  { name: 'endpoints', kind: 'list', commands: ['sync', 'backfill'], description: 'Comma-separated endpoints to fetch (default: all the provider supports: completions, embeddings, moderations, images, audio_speeches, audio_transcriptions, vector_stores, code_interpreter_sessions, web_search_calls, file_search_calls, costs).' },
  { name: 'group-by', kind: 'list', commands: ['sync', 'backfill'], description: 'Comma-separated dimensions to group by, applied to each endpoint that supports them (default: every dimension each endpoint supports).' },
  { name: 'days', kind: 'integer', default: '7', commands: ['sync', 'backfill'], description: 'Number of UTC days ending today to fetch (1 to 400).' },
  { name: 'settle-days', kind: 'integer', default: '2', commands: ['sync', 'backfill'], description: 'The newest days that are still provisional (0 to 31).' },
  { name: 'start-date', kind: 'date', commands: ['backfill'], description: 'Backfill: first UTC day, YYYY-MM-DD, inclusive.' },
  { name: 'end-date', kind: 'date', commands: ['backfill'], description: 'Backfill: last UTC day, YYYY-MM-DD, inclusive (default: today).' },
  { name: 'force', kind: 'boolean', default: 'false', commands: ['backfill', 'reconcile'], description: 'backfill: re-fetch days the ledger already holds as settled; reconcile: reconcile selected runs again even if already reconciled or past --max-age (--min-age still applies: the provider needs the time).' },
  { name: 'publish', kind: 'choice', default: 'commit', choices: ['commit', 'pull-request', 'none'], description: 'commit: commit the files this run wrote to the current branch (and push if it has an upstream); pull-request: commit them to the branch usage-ledger/<command>, push it, and create or update one open pull request (needs a GitHub token with contents: write and pull-requests: write); none: write files only.' },
  { name: 'stale-after-days', kind: 'integer', default: '3', description: 'STALE_LEDGER (critical) when the newest successfully fetched day is more than this many days before today.' },
  { name: 'alarm-clear-runs', kind: 'integer', default: '2', description: 'Consecutive clean runs after which an open parity alarm issue is closed.' },
  { name: 'github-token', kind: 'secret', env: ['GITHUB_TOKEN'], description: 'Token for pull requests and alarm issues (needs issues: write, and pull-requests: write for pull-request mode). On the command line it is read from GITHUB_TOKEN. Without one, alarms are reported in the output and summary only.' },
  { name: 'repository', kind: 'string', description: 'owner/name of the repository for pull requests and issues (default: GITHUB_REPOSITORY).' },
  { name: 'artifact-name', kind: 'string', default: 'usage-ledger-evidence', description: 'Inside Actions, the workflow artifact holding this run\'s raw pages and diff files.' },
  { name: 'artifact-retention-days', kind: 'integer', default: '30', description: 'Days the evidence artifact is kept (1 to 90).' },
  { name: 'drift-threshold', kind: 'percent', default: '2', description: 'Percent of tokens a settled window may change before a finding is an alarm.' },
  { name: 'max-requests-per-minute', kind: 'integer', description: 'Cap on provider requests per minute (default: no cap beyond honouring 429s).' },
  { name: 'max-retries', kind: 'integer', default: '5', description: 'Retries of a provider request on 429, 5xx and network errors (0 to 10).' },
  { name: 'request-timeout', kind: 'integer', default: '120', description: 'Seconds one provider request may take in total, body and retries\' waits included, before its windows are marked missing (1 to 3600).' },
  { name: 'run-timeout', kind: 'integer', default: '1800', description: 'Seconds the whole run may spend fetching before the remaining windows are marked missing (60 to 86400; a long backfill may need more).' },
  { name: 'lock-timeout', kind: 'integer', default: '300', description: 'Seconds to wait for another usage-ledger run on the same checkout to release its lock before giving up (0 to 3600).' },
  { name: 'dry-run', kind: 'boolean', default: 'false', description: 'Fetch and compute, print what would change, write nothing.' },
  { name: 'now', kind: 'instant', description: 'Fix the clock to this ISO 8601 time (default: the real time).' },
  { name: 'allow-mixed-origin', kind: 'boolean', default: 'false', commands: ['sync', 'backfill'], description: 'Allow simulated and real provider data in one ledger.' },
  { name: 'openai-base-url', kind: 'url', default: 'https://api.openai.com/v1', description: 'OpenAI API base URL; /organization/usage/... paths are relative to it (for proxies, gateways and the simulator).' },
  { name: 'openai-admin-key', kind: 'secret', env: ['OPENAI_ADMIN_KEY', 'OPENAI_API_KEY_USAGE_TRACKING'], description: 'OpenAI admin key with the api.usage.read scope. On the command line it is read from OPENAI_ADMIN_KEY (or OPENAI_API_KEY_USAGE_TRACKING), never from a flag.' },
  { name: 'scenario', kind: 'list', cliOnly: true, commands: ['simulate'], description: 'simulate: comma-separated simulator scenarios (late-data, restatement, rate-limit, rate-limit-no-retry-after, server-error, flaky, repeated-cursor, malformed-page, missing-day, paginated, duplicate-bucket, overlapping-pages, out-of-range-bucket).' },
  { name: 'port', kind: 'integer', default: '8787', cliOnly: true, commands: ['simulate'], description: 'simulate: loopback port to serve on.' },
];

export const OUTPUTS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'windows-processed', description: 'Number of provider-day windows fetched or attempted.' },
  { name: 'updated-events', description: 'Records added, removed or changed in the ledger (a newly fetched window counts all its records).' },
  { name: 'issues-by-code', description: 'JSON object: finding code to count, e.g. {"TOKEN_DRIFT":1}.' },
  { name: 'max-drift-pct', description: 'Largest token drift of a settled window in this run, in percent (0 when none).' },
  { name: 'changed', description: 'true when the run wrote ledger files.' },
  { name: 'commit-sha', description: 'The commit made by this run, or empty.' },
  { name: 'pull-request-number', description: 'The pull request created or updated, or empty.' },
  { name: 'pull-request-operation', description: 'created, updated, unchanged or none.' },
  { name: 'alarm-issue-number', description: 'The parity alarm issue opened, updated or closed, or empty.' },
  { name: 'alarm-operation', description: 'opened, updated, closed, skipped or none.' },
  { name: 'runs-reconciled', description: 'Run records reconciled by this run.' },
  { name: 'runs-pending', description: 'Run records still waiting for provider data.' },
  { name: 'runs-failed', description: 'Run records that could not be reconciled.' },
];

export function optionSpec(name: string): OptionSpec | undefined {
  return OPTIONS.find((option) => option.name === name);
}
