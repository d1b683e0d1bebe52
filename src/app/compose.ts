// Builds the adapters a command uses, in this one place; the commands receive them and
// construct none. The ledger store and the provider connection are opened later, by
// function, because they need what the command learns first (the workspace, the key).

import type { Dispatcher } from 'undici';
import { fixedClock, type Clock, type Logger } from '../ports.js';
import type { UsageSource } from '../domain/usage-source.js';
import { createGit, type Git } from '../adapters/git/git.js';
import { createGitHubClient } from '../adapters/github/client.js';
import type { GitHubPort } from '../adapters/github/port.js';
import { createHttpClient, type HttpStats } from '../adapters/http/client.js';
import { startRunDeadline } from '../adapters/http/deadlines.js';
import { createLedgerStore, type LedgerStore } from '../adapters/ledger-fs/store.js';
import { fetchMinuteUsage, type MinuteUsageResult, type MinuteUsageScope } from '../adapters/openai/minute-usage.js';
import { createOpenAiSource } from '../adapters/openai/source.js';
import type { Settings } from '../config/settings.js';

/** What a shell knows about where and how it runs. */
export interface CommandDeps {
  cwd: string;
  clock: Clock;
  logger: Logger;
  /** The process environment: the artifact service's variables live there. */
  env: Readonly<Record<string, string | undefined>>;
  /** Tests route provider traffic through their own dispatcher; by default the client owns one. */
  dispatcher?: Dispatcher;
}

/** One provider connection for a run: every request of it shares the client, its limits and its deadline. */
export interface ProviderConnection {
  /** Day windows for sync and backfill. */
  source: UsageSource;
  /** Per-minute completions usage for reconcile. */
  minuteUsage(scope: MinuteUsageScope, range: { start: number; end: number }): Promise<MinuteUsageResult>;
  readonly stats: HttpStats;
  close(): Promise<void>;
}

export interface Adapters {
  cwd: string;
  /** Pinned to --now when it is given. */
  clock: Clock;
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
  git: Git;
  /** Undefined without a token and a repository: alarms and pull requests are then skipped. */
  github: GitHubPort | undefined;
  openLedger(auditDir: string): LedgerStore;
  /** Opened once the run may write: the run deadline counts from here, not from waiting for the lock. */
  connectOpenAi(adminKey: string): ProviderConnection;
}

export function composeAdapters(settings: Settings, deps: CommandDeps): Adapters {
  const { logger } = deps;
  const clock = settings.nowFixed ? fixedClock(settings.now, deps.clock.sleep) : deps.clock;
  const github =
    settings.githubToken && settings.repository
      ? createGitHubClient({ token: settings.githubToken, repository: settings.repository, apiUrl: settings.githubApiUrl, logger })
      : undefined;
  return {
    cwd: deps.cwd,
    clock,
    logger,
    env: deps.env,
    git: createGit(deps.cwd, { logger }),
    github,
    openLedger: createLedgerStore,
    connectOpenAi(adminKey) {
      const http = createHttpClient({
        clock,
        dispatcher: deps.dispatcher,
        maxRetries: settings.maxRetries,
        maxRequestsPerMinute: settings.maxRequestsPerMinute,
        requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
        runDeadline: startRunDeadline(settings.runTimeoutSeconds * 1000),
        secrets: adminKey ? [adminKey] : [],
        logger,
      });
      const connection = { baseUrl: settings.openaiBaseUrl, adminKey, http, logger };
      return {
        source: createOpenAiSource({ ...connection, endpoints: settings.endpoints, groupBy: settings.groupBy }),
        minuteUsage: (scope, range) => fetchMinuteUsage(connection, scope, range),
        get stats() {
          return http.stats;
        },
        close: () => http.close(),
      };
    },
  };
}
