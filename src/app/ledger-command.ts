// sync and backfill as use cases: check the workspace, plan the days, fetch and write the
// ledger, then publish the files this run wrote as one commit.

import { type Finding, type FindingCode, countByCode, maxDriftPercent } from '../domain/findings.js';
import { buildRunSummary, GITHUB_BODY_LIMIT } from '../domain/markdown.js';
import { staleLedgerFindings } from '../domain/staleness.js';
import { whileLocked } from '../adapters/ledger-fs/run-lock.js';
import type { LedgerStore, Manifest } from '../adapters/ledger-fs/store.js';
import { requireAdminKey, type Settings } from '../config/settings.js';
import type { Adapters } from './compose.js';
import { resolveWorkspace, type Workspace } from './workspace.js';
import { findRepository } from './publish-commit.js';
import { recoverInterruptedRun } from './recover-ledger.js';
import { type PublishOutcome, publishRun } from './publish-run.js';
import { type LedgerRunResult, toRepoPath, updateLedger } from './update-ledger.js';

/** Under GitHub's limit with room to spare for the title and template text. */
const PULL_REQUEST_BODY_LIMIT = GITHUB_BODY_LIMIT - 1_536;

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

export async function runLedgerCommand(settings: Settings, adapters: Adapters): Promise<LedgerCommandResult> {
  const adminKey = requireAdminKey(settings);
  const workspace = await resolveWorkspace({
    cwd: adapters.cwd,
    auditDir: settings.auditDir,
    repository: await findRepository(adapters.git),
    needsRepository: settings.publish !== 'none' && !settings.dryRun,
  });
  // A dry run writes nothing, so it need not wait for a writer.
  return whileLocked(settings.dryRun ? undefined : workspace.gitDir, { command: settings.command, timeoutSeconds: settings.lockTimeoutSeconds, logger: adapters.logger }, () =>
    fetchAndPublish(settings, adapters, adminKey, workspace),
  );
}

/** Everything a ledger run does once it may write: read the ledger, fetch, write, publish. */
async function fetchAndPublish(settings: Settings, adapters: Adapters, adminKey: string, workspace: Workspace): Promise<LedgerCommandResult> {
  const { clock, git, logger } = adapters;
  const store = adapters.openLedger(workspace.auditDir);
  await store.assertNoSymlinks();
  const publishes = settings.publish !== 'none' && !settings.dryRun && workspace.repoRoot !== undefined;
  const recovery = publishes ? await recoverInterruptedRun({ git, repoRoot: workspace.repoRoot!, store, logger }) : { recovered: [], restored: [] };
  const manifest = await store.readManifest();
  const dates = await datesToFetch(settings, manifest, store);
  if (dates.length < settings.dates.length) {
    logger.info(`${settings.dates.length - dates.length} day(s) already settled in the ledger; fetching ${dates.length} (use --force to re-fetch)`);
  }

  const openai = adapters.connectOpenAi(adminKey);
  let run: LedgerRunResult;
  try {
    run = await logger.group(`Fetch ${dates.length} day(s) from ${settings.providers.join(', ')}`, () =>
      updateLedger({
        command: settings.command,
        manifest,
        dates,
        settleDays: settings.settleDays,
        providers: [{ source: openai.source, endpoints: settings.endpoints, groupBy: settings.groupBy, stats: () => openai.stats }],
        store,
        clock,
        logger,
        dryRun: settings.dryRun,
        allowMixedOrigin: settings.allowMixedOrigin,
      }),
    );
  } finally {
    await openai.close();
  }

  const findings = [...run.findings, ...staleLedgerFindings(run.windowsAfter, clock.now().toISOString().slice(0, 10), settings.staleAfterDays)];
  const root = workspace.repoRoot;
  const diffPaths = root ? run.diffFiles.map((file) => toRepoPath(root, file)) : run.diffFiles;
  const published = await publishRun(settings, adapters, root, {
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
  if (dates.length === 0 && settings.command === 'backfill') logger.info('Nothing to fetch: every day in the range is settled');
  return { run, plannedDates: dates, findings, published, diffPaths, commitSha: published.commitSha, outputs: ledgerOutputs(run, findings, published) };
}
