// Turns raw option strings (from flags or action inputs) into one typed, validated
// settings object. Empty strings count as unset; every error names the input and what
// was expected, and nothing has been fetched or written when one is thrown.

import { addDays, dateRange, daysBetween, utcDateOf } from '../domain/dates.js';
import { PROVIDER_NAMES, type ProviderName } from '../domain/records.js';
import { UsageError } from '../errors.js';
import { type CommandName, COMMANDS, OPTIONS, optionSpec } from './options.js';
import { type GitHubSettings, parseGitHubSettings, type RunnerContext, runnerContextFromEnv } from './github-settings.js';
import { boolean, choice, date, integer, list, parseNow, parseUrl, type RawOptions, subset, valueOf } from './values.js';

export type { RawOptions } from './values.js';
import { OPENAI_ENDPOINTS, OPENAI_GROUP_BY } from '../adapters/openai/endpoints.js';

export const MAX_RANGE_DAYS = 400;

export interface Settings extends GitHubSettings {
  command: CommandName;
  positionals: string[];
  auditDir: string;
  providers: ProviderName[];
  endpoints: string[];
  /** Per endpoint, the dimensions to group by. */
  groupBy: Record<string, string[]>;
  days: number;
  settleDays: number;
  /** The inclusive UTC days to fetch, ascending. */
  dates: string[];
  force: boolean;
  publish: 'commit' | 'pull-request' | 'none';
  staleAfterDays: number;
  alarmClearRuns: number;
  artifactName: string;
  artifactRetentionDays: number;
  driftThreshold: string;
  maxRequestsPerMinute: number | undefined;
  maxRetries: number;
  /** Total seconds one provider request may take, retries included. */
  requestTimeoutSeconds: number;
  /** Total seconds the run may spend fetching. */
  runTimeoutSeconds: number;
  /** Seconds to wait for the checkout's run lock. */
  lockTimeoutSeconds: number;
  dryRun: boolean;
  now: Date;
  /** True when --now fixed the clock. */
  nowFixed: boolean;
  allowMixedOrigin: boolean;
  openaiBaseUrl: string;
  openaiAdminKey: string | undefined;
  scenarios: string[];
  port: number;
  runsDir: string;
  framework: string | undefined;
  runId: string | undefined;
  minAgeMinutes: number;
  maxAgeHours: number;
  list: boolean;
  /** Inline "framework=key_..." pairs, or the path of a JSON file; resolved by the reconcile command. */
  runScopes: string | undefined;
  allowUnscoped: boolean;
  reconcileMarginSeconds: number;
}

function planDates(command: CommandName, raw: RawOptions, days: number, today: string): string[] {
  const start = date('start-date', valueOf(raw, optionSpec('start-date')!));
  const end = date('end-date', valueOf(raw, optionSpec('end-date')!));
  const daysGiven = (raw.days ?? '').trim() !== '';
  if (command === 'sync' && (start || end)) {
    throw new UsageError('sync always ends today; use the backfill command for a date range', start ? 'start-date' : 'end-date');
  }
  if (start && daysGiven) throw new UsageError('give either --start-date/--end-date or --days, not both', 'days');
  const last = end ?? today;
  if (daysBetween(last, today) < 0) throw new UsageError(`${last} is after today (${today}, from --now or the clock)`, 'end-date');
  if (!start) {
    if (end && command === 'backfill' && !daysGiven) throw new UsageError('a range needs --start-date as well as --end-date (or --days)', 'start-date');
    return dateRange(addDays(last, 1 - days), last);
  }
  const span = daysBetween(start, last) + 1;
  if (span < 1) throw new UsageError(`--start-date ${start} is after --end-date ${last}`, 'start-date');
  if (span > MAX_RANGE_DAYS) throw new UsageError(`the range ${start}..${last} is ${span} days; at most ${MAX_RANGE_DAYS} per run`, 'start-date');
  return dateRange(start, last);
}

function groupByFor(endpoints: readonly string[], requested: string[] | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const endpoint of endpoints) {
    const supported = OPENAI_GROUP_BY[endpoint as keyof typeof OPENAI_GROUP_BY] ?? [];
    result[endpoint] = requested ? supported.filter((dimension) => requested.includes(dimension)) : [...supported];
  }
  return result;
}

/** Which providers, endpoints and groupings to fetch. */
function selection(get: (name: string) => string | undefined): Pick<Settings, 'providers' | 'endpoints' | 'groupBy'> {
  const providers = subset('providers', list(get('providers')), PROVIDER_NAMES) as ProviderName[];
  if (providers.length === 0) throw new UsageError(`expected at least one of ${PROVIDER_NAMES.join(', ')}`, 'providers');
  const requestedEndpoints = list(get('endpoints'));
  const endpoints = requestedEndpoints.length > 0 ? subset('endpoints', requestedEndpoints, OPENAI_ENDPOINTS) : [...OPENAI_ENDPOINTS];
  const allDimensions = [...new Set(Object.values(OPENAI_GROUP_BY).flat())];
  const requestedGroupBy = list(get('group-by'));
  const groupBy = groupByFor(endpoints, requestedGroupBy.length > 0 ? subset('group-by', requestedGroupBy, allDimensions) : undefined);
  return { providers, endpoints, groupBy };
}

export function parseSettings(
  command: string,
  positionals: string[],
  raw: RawOptions,
  env: Readonly<Record<string, string | undefined>>,
  clockNow: Date,
  runner: RunnerContext = runnerContextFromEnv(env),
): Settings {
  const commandName = choice('command', command, COMMANDS);
  const positionalLimit = commandName === 'reconcile' ? 2 : 0;
  if (positionals.length > positionalLimit) {
    throw new UsageError(`unexpected ${JSON.stringify(positionals[positionalLimit])}; ${commandName} takes ${positionalLimit === 0 ? 'no words after the command' : 'at most [framework] [run-id]'}`, 'command');
  }
  for (const name of Object.keys(raw)) {
    if (!optionSpec(name)) throw new UsageError(`unknown option; known options: ${OPTIONS.filter((o) => !o.actionOnly && o.kind !== 'secret').map((o) => `--${o.name}`).join(', ')}`, name);
  }
  const get = (name: string): string | undefined => valueOf(raw, optionSpec(name)!);
  const { now, fixed } = parseNow(get('now'), clockNow);
  const today = utcDateOf(now);
  const { providers, endpoints, groupBy } = selection(get);
  const days = integer('days', get('days'), 1, MAX_RANGE_DAYS)!;
  const settleDays = integer('settle-days', get('settle-days'), 0, 31)!;
  const dates = commandName === 'sync' || commandName === 'backfill' ? planDates(commandName, raw, days, today) : [];
  const envKey = optionSpec('openai-admin-key')!.env!.map((name) => env[name]?.trim()).find((value) => value);
  const publish = choice('publish', get('publish'), ['commit', 'pull-request', 'none'] as const);
  const github = parseGitHubSettings({ token: raw['github-token'], repository: get('repository'), publish }, env, runner);
  const openaiAdminKey = raw['openai-admin-key']?.trim() || envKey || undefined;
  return {
    command: commandName,
    positionals,
    auditDir: get('audit-dir')!,
    providers,
    endpoints,
    groupBy,
    days,
    settleDays,
    dates,
    force: boolean('force', get('force')),
    publish,
    staleAfterDays: integer('stale-after-days', get('stale-after-days'), 1, 365)!,
    alarmClearRuns: integer('alarm-clear-runs', get('alarm-clear-runs'), 1, 100)!,
    ...github,
    artifactName: get('artifact-name')!,
    artifactRetentionDays: integer('artifact-retention-days', get('artifact-retention-days'), 1, 90)!,
    driftThreshold: percent(get('drift-threshold')!),
    maxRequestsPerMinute: integer('max-requests-per-minute', get('max-requests-per-minute'), 1, 100_000),
    maxRetries: integer('max-retries', get('max-retries'), 0, 10)!,
    requestTimeoutSeconds: integer('request-timeout', get('request-timeout'), 1, 3_600)!,
    runTimeoutSeconds: integer('run-timeout', get('run-timeout'), 60, 86_400)!,
    lockTimeoutSeconds: integer('lock-timeout', get('lock-timeout'), 0, 3_600)!,
    dryRun: boolean('dry-run', get('dry-run')),
    now,
    nowFixed: fixed,
    allowMixedOrigin: boolean('allow-mixed-origin', get('allow-mixed-origin')),
    openaiBaseUrl: parseUrl('openai-base-url', get('openai-base-url')!),
    openaiAdminKey,
    scenarios: list(get('scenario')),
    port: integer('port', get('port'), 0, 65_535)!,
    runsDir: get('runs-dir')!,
    framework: get('framework') ?? positionals[0],
    runId: get('run-id') ?? positionals[1],
    minAgeMinutes: integer('min-age', get('min-age'), 0, 10_080)!,
    maxAgeHours: integer('max-age', get('max-age'), 1, 8_760)!,
    list: boolean('list', get('list')),
    runScopes: get('run-scopes'),
    allowUnscoped: boolean('allow-unscoped', get('allow-unscoped')),
    reconcileMarginSeconds: integer('reconcile-margin', get('reconcile-margin'), 0, 3_600)!,
  };
}

function percent(text: string): string {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > 100) {
    throw new UsageError(`expected a percentage from 0 to 100 such as 2 or 2.5, got ${JSON.stringify(text)}`, 'drift-threshold');
  }
  return text;
}

/** The key is needed only by commands that talk to the provider. */
export function requireAdminKey(settings: Settings): string {
  if (!settings.openaiAdminKey) {
    throw new UsageError(
      'no OpenAI admin key: set OPENAI_ADMIN_KEY (or OPENAI_API_KEY_USAGE_TRACKING) in the environment, or the action input openai-admin-key',
      'openai-admin-key',
    );
  }
  return settings.openaiAdminKey;
}
