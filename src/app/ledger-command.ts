// sync and backfill as use cases: check the workspace, plan the days, fetch and write the
// ledger, then publish the files this run wrote as one commit.

import type { Dispatcher } from 'undici';
import { type Finding, type FindingCode, countByCode, maxDriftPercent } from '../domain/findings.js';
import { buildRunSummary, GITHUB_BODY_LIMIT } from '../domain/markdown.js';
import { staleLedgerFindings } from '../domain/staleness.js';
import { whileLocked } from '../adapters/ledger-fs/run-lock.js';
import { createLedgerStore, type LedgerStore, type Manifest } from '../adapters/ledger-fs/store.js';
import { fixedClock, type Clock, type Logger } from '../ports.js';
import { createHttpClient, startRunDeadline } from '../adapters/http/index.js';
import { createOpenAiSource } from '../adapters/openai/source.js';
import { createGit, type Git } from '../adapters/git/git.js';
import { requireAdminKey, type Settings } from '../config/settings.js';
import { resolveWorkspace, type Workspace } from './workspace.js';
import { findRepository } from './publish-commit.js';
import { recoverInterruptedRun } from './recover-ledger.js';
import { type PublishOutcome, publishRun } from './publish-run.js';
import { type LedgerRunResult, toRepoPath, updateLedger } from './update-ledger.js';

/** Under GitHub's limit with room to spare for the title and template text. */
const PULL_REQUEST_BODY_LIMIT = GITHUB_BODY_LIMIT - 1_536;

export interface LedgerCommandDeps {
  cwd: string;
  clock: Clock;
  logger: Logger;
  /** The process environment: the artifact service's variables live there. */
  env: Readonly<Record<string, string | undefined>>;
  /** Tests route provider traffic through their own dispatcher; by default the client owns one. */
  dispatcher?: Dispatcher;
}

export interface LedgerCommandResult {
  run: LedgerRunResult;
  plannedDates: string[];
  /** The run's findings and the ledger-wide ones (staleness). */
  findings: Finding[];
  published: PublishOutcome;
  /** Repository-relative diff paths, as linked from the summary. */
  diffPaths: string[];
  commitSha: string | null;
  outputs: Record<string, string>;
}

/** What sync and backfill evaluate, so only these alarms can be judged clean by them. */
export const LEDGER_CODES: ReadonlySet<FindingCode> = new Set(['TOKEN_DRIFT', 'MISSING_WINDOW', 'PROVIDER_ERROR', 'RATE_LIMITED', 'SCHEMA_MISMATCH', 'STALE_LEDGER']);

/**
 * Backfill resumes: days the ledger already holds as settled are skipped unless --force,
 * but only when the snapshot their entry names is there with the recorded hash.
 */
export async function datesToFetch(settings: Settings, manifest: Manifest, store: LedgerStore): Promise<string[]> {
  if (settings.command !== 'backfill' || settings.force) return settings.dates;
  const dates: string[] = [];
  for (const date of settings.dates) {
    let settled = true;
    for (const provider of settings.providers) {
      const entry = manifest.windows[provider]?.[date];
      settled &&= entry !== undefined && (entry.state === 'settled' || entry.state === 'revised') && entry.sha256 !== null && (await store.snapshotSha256(provider, date)) === entry.sha256;
    }
    if (!settled) dates.push(date);
  }
  return dates;
}

function commitMessage(command: string, dates: readonly string[], run: LedgerRunResult, recovered: number): string {
  const first = dates[0];
  const last = dates[dates.length - 1];
  const count = (status: string): number => run.windows.filter((window) => window.status === status).length;
  const providers = [...new Set(run.windows.map((window) => window.provider))].join(', ');
  const range = first === last ? first : `${first}..${last}`;
  const findings = run.findings.length > 0 ? `, ${run.findings.length} finding(s)` : '';
  return (
    `usage-ledger ${command}: ${providers} ${range}\n\n` +
    `${run.windows.length} window(s): ${count('new')} new, ${count('changed')} changed, ` +
    `${count('unchanged')} unchanged, ${count('failed')} failed${findings}; ` +
    `${run.updatedRecords} record(s) updated; ${run.requests.total} request(s).\n` +
    (recovered > 0 ? `Recovered ${recovered} file(s) of an interrupted run.\n` : '')
  );
}

export function ledgerOutputs(run: LedgerRunResult, findings: readonly Finding[], published: PublishOutcome): Record<string, string> {
  return {
    'windows-processed': String(run.windows.length),
    'updated-events': String(run.updatedRecords),
    'issues-by-code': JSON.stringify(countByCode(findings)),
    'max-drift-pct': String(maxDriftPercent(findings)),
    changed: String(run.written.length > 0),
    ...published.outputs,
    'runs-reconciled': '0',
    'runs-pending': '0',
    'runs-failed': '0',
  };
}

export async function runLedgerCommand(settings: Settings, deps: LedgerCommandDeps): Promise<LedgerCommandResult> {
  const adminKey = requireAdminKey(settings);
  const clock = settings.nowFixed ? fixedClock(settings.now, deps.clock.sleep) : deps.clock;
  const git = createGit(deps.cwd, { logger: deps.logger });
  const workspace = await resolveWorkspace({
    cwd: deps.cwd,
    auditDir: settings.auditDir,
    repository: await findRepository(git),
    needsRepository: settings.publish !== 'none' && !settings.dryRun,
  });
  // A dry run writes nothing, so it need not wait for a writer.
  return whileLocked(settings.dryRun ? undefined : workspace.gitDir, { command: settings.command, timeoutSeconds: settings.lockTimeoutSeconds, logger: deps.logger }, () =>
    fetchAndPublish(settings, deps, { adminKey, clock, git, workspace }),
  );
}

/** Everything a ledger run does once it may write: read the ledger, fetch, write, publish. */
async function fetchAndPublish(
  settings: Settings,
  deps: LedgerCommandDeps,
  { adminKey, clock, git, workspace }: { adminKey: string; clock: Clock; git: Git; workspace: Workspace },
): Promise<LedgerCommandResult> {
  const store = createLedgerStore(workspace.auditDir);
  await store.assertNoSymlinks();
  const publishes = settings.publish !== 'none' && !settings.dryRun && workspace.repoRoot !== undefined;
  const recovery = publishes ? await recoverInterruptedRun({ git, repoRoot: workspace.repoRoot!, store, logger: deps.logger }) : { recovered: [], restored: [] };
  const manifest = await store.readManifest();
  const dates = await datesToFetch(settings, manifest, store);
  if (dates.length < settings.dates.length) {
    deps.logger.info(`${settings.dates.length - dates.length} day(s) already settled in the ledger; fetching ${dates.length} (use --force to re-fetch)`);
  }

  const http = createHttpClient({
    clock,
    dispatcher: deps.dispatcher,
    maxRetries: settings.maxRetries,
    maxRequestsPerMinute: settings.maxRequestsPerMinute,
    requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
    // Counted from here, once the run may write: waiting for the run lock has its own timeout.
    runDeadline: startRunDeadline(settings.runTimeoutSeconds * 1000),
    secrets: [adminKey],
    logger: deps.logger,
  });
  let run: LedgerRunResult;
  try {
    const source = createOpenAiSource({
      baseUrl: settings.openaiBaseUrl,
      adminKey,
      http,
      endpoints: settings.endpoints,
      groupBy: settings.groupBy,
      logger: deps.logger,
    });
    run = await deps.logger.group(`Fetch ${dates.length} day(s) from ${settings.providers.join(', ')}`, () =>
      updateLedger({
        command: settings.command,
        manifest,
        dates,
        settleDays: settings.settleDays,
        providers: [{ source, endpoints: settings.endpoints, groupBy: settings.groupBy, stats: () => http.stats }],
        store,
        clock,
        logger: deps.logger,
        dryRun: settings.dryRun,
        allowMixedOrigin: settings.allowMixedOrigin,
      }),
    );
  } finally {
    await http.close();
  }

  const findings = [...run.findings, ...staleLedgerFindings(run.windowsAfter, clock.now().toISOString().slice(0, 10), settings.staleAfterDays)];
  const root = workspace.repoRoot;
  const diffPaths = root ? run.diffFiles.map((file) => toRepoPath(root, file)) : run.diffFiles;
  const published = await publishRun(settings, { git, repoRoot: root, clock, logger: deps.logger, env: deps.env }, {
    command: settings.command,
    written: [...new Set([...recovery.recovered, ...run.written])],
    evidence: run.written.filter((file) => /[\\/](raw|diffs)[\\/]/.test(file)),
    diffFiles: run.diffFiles,
    findings,
    evaluatedCodes: LEDGER_CODES,
    commitMessage: commitMessage(settings.command, dates, run, recovery.recovered.length),
    pullRequestTitle: `usage-ledger ${settings.command}: ${settings.providers.join(', ')} ${dates[0] ?? ''}${dates.length > 1 ? `..${dates[dates.length - 1]}` : ''}`,
    pullRequestBody: (sha) =>
      buildRunSummary(
        { command: settings.command, dryRun: false, windows: run.windows, findings, requests: run.requests, commitSha: sha, diffFiles: diffPaths, links: settings.repository ? { serverUrl: settings.githubServerUrl, repository: settings.repository } : undefined },
        PULL_REQUEST_BODY_LIMIT,
      ),
  });
  if (dates.length === 0 && settings.command === 'backfill') deps.logger.info('Nothing to fetch: every day in the range is settled');
  return { run, plannedDates: dates, findings, published, diffPaths, commitSha: published.commitSha, outputs: ledgerOutputs(run, findings, published) };
}
