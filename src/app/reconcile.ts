// `usage-ledger reconcile`: fill the real token counts into run records. One per-minute
// usage query per scope over the merged range of its runs, attribution in memory, atomic
// rewrites of the records that changed, one diff file, one commit. A fetch error leaves
// every record of that scope byte-identical; zero usage means "not there yet".

import { attributeUsage, queryRange, type RunFigure } from '../domain/attribution.js';
import { countByCode, driftPercent, driftSeverity, type Finding, type FindingCode } from '../domain/findings.js';
import { buildReconcileSummary, GITHUB_BODY_LIMIT } from '../domain/markdown.js';
import { staleLedgerFindings } from '../domain/staleness.js';
import { whileLocked } from '../adapters/ledger-fs/run-lock.js';
import { PaginationError } from '../adapters/openai/paginate.js';
import { redactCredentialShapes } from '../domain/credential-shapes.js';
import { assertSafeFilter, printableName } from '../adapters/run-records/paths.js';
import { badRunRecord, loadRuns } from '../adapters/run-records/load.js';
import { RunChangedError, writeRun } from '../adapters/run-records/serialize.js';
import { requireAdminKey, type Settings } from '../config/settings.js';
import { resolveToolDir, resolveWorkspace, type Workspace } from './workspace.js';
import { findRepository } from './publish-commit.js';
import { type PublishOutcome, publishRun } from './publish-run.js';
import type { Adapters, ProviderConnection } from './compose.js';
import { type PlannedRun, type ReconcilePlan, planReconcile, runWindowSeconds, TIME_UNITS_PER_SECOND, unmatchedSelection } from './reconcile-plan.js';
import { reconciledRecord, sameFigures } from './reconcile-apply.js';
import { resolveScopeMap, type ScopeMap, scopeKey } from './run-scopes.js';
import { toRepoPath } from './update-ledger.js';

export type RunOutcome = 'reconciled' | 'unchanged' | 'data_not_available' | 'failed' | 'bad' | PlannedRun['disposition'];

export interface ReconcileReport {
  /** `id`: framework/run_id as a report shows it, escaped where a directory name is unprintable. */
  runs: Array<{ id: string; file: string; outcome: RunOutcome; ageMinutes: number; tokensIn: number; tokensOut: number }>;
  /** Lines for the user beside the runs and findings, such as a selection that matched nothing. */
  notes: string[];
  findings: Finding[];
  written: string[];
  diffFile: string | null;
  commitSha: string | null;
  requests: number;
  outputs: Record<string, string>;
  /** --list: nothing was fetched. */
  listed: boolean;
  published?: PublishOutcome;
}

/** What reconcile evaluates, so only these alarms can be judged clean by it. */
export const RECONCILE_CODES: ReadonlySet<FindingCode> = new Set(['STALE_LEDGER', 'RUN_DRIFT', 'RUN_OVERLAP', 'UNSCOPED_RUN', 'BAD_RUN_RECORD']);

/**
 * RUN_DRIFT: a run reconciled before now disagrees with what the provider reports for the
 * same scope and window (late data, or a restatement after reconciliation).
 */
function runDriftFinding(entry: PlannedRun, figure: RunFigure): Finding | undefined {
  const previous = entry.run.record.usage_api_reconciliation;
  if (previous?.status !== 'success') return undefined;
  const before = entry.run.record.aggregate_metrics.TOK_IN + entry.run.record.aggregate_metrics.TOK_OUT;
  const after = figure.tokens_in + figure.tokens_out;
  if (before === after) return undefined;
  const percent = driftPercent(before, after);
  return {
    code: 'RUN_DRIFT',
    severity: driftSeverity(before, after),
    provider: 'openai',
    windows: [new Date(entry.lastEnd * 1000).toISOString().slice(0, 10)],
    message: `${entry.run.relativePath}: reconciled tokens were ${before}, the provider now reports ${after}${percent === null ? '' : ` (${percent}%)`} for the same scope and window`,
    figures: { tokens_before: before, tokens_after: after, token_delta: after - before, drift_pct: percent },
  };
}

/** A bad record's path (runs/<framework>/<run_id>/metrics.json) against the [framework] [run-id] filter. */
function matchesFilter(file: string, filter: { framework: string | undefined; runId: string | undefined }): boolean {
  const [, framework, runId] = file.split('/');
  return (filter.framework === undefined || framework === filter.framework) && (filter.runId === undefined || runId === filter.runId);
}

function countOutputs(report: Omit<ReconcileReport, 'outputs'>): Record<string, string> {
  const count = (...outcomes: RunOutcome[]) => String(report.runs.filter((run) => outcomes.includes(run.outcome)).length);
  return {
    'windows-processed': '0',
    'updated-events': count('reconciled'),
    'issues-by-code': JSON.stringify(countByCode(report.findings)),
    'max-drift-pct': '0',
    changed: String(report.written.length > 0),
    'commit-sha': '',
    'pull-request-number': '',
    'pull-request-operation': 'none',
    'alarm-issue-number': '',
    'alarm-operation': 'none',
    'runs-reconciled': count('reconciled'),
    'runs-pending': count('too-young', 'data_not_available', 'overlap', 'unscoped'),
    'runs-failed': count('failed', 'bad'),
  };
}

export async function runReconcile(settings: Settings, adapters: Adapters): Promise<ReconcileReport> {
  const { cwd, git } = adapters;
  const needsRepository = settings.publish !== 'none' && !settings.dryRun && !settings.list;
  const repository = await findRepository(git);
  const workspace = await resolveWorkspace({ cwd, auditDir: settings.auditDir, repository, needsRepository });
  const runsDir = await resolveToolDir('runs-dir', cwd, settings.runsDir, repository);
  const scopeMap = await resolveScopeMap(settings.runScopes, cwd);
  assertSafeFilter('framework', settings.framework);
  assertSafeFilter('run-id', settings.runId);
  // Run records and the ledger are rewritten from what is read next: one writer at a time.
  const writes = !settings.dryRun && !settings.list;
  return whileLocked(writes ? workspace.gitDir : undefined, { command: 'reconcile', timeoutSeconds: settings.lockTimeoutSeconds, logger: adapters.logger }, () =>
    reconcileLocked(settings, adapters, { workspace, runsDir, scopeMap }),
  );
}

type Outcomes = Map<string, ReconcileReport['runs'][number]>;
type PartialReport = Omit<ReconcileReport, 'outputs'>;

async function reconcileLocked(settings: Settings, adapters: Adapters, { workspace, runsDir, scopeMap }: { workspace: Workspace; runsDir: string; scopeMap: ScopeMap }): Promise<ReconcileReport> {
  const now = adapters.clock.now();
  // Every run is loaded, filter or not: a run outside the filter that shares a minute with
  // a selected run on the same scope must still take its share of that minute.
  const loaded = await loadRuns(runsDir, undefined, now);
  const plan = planReconcile(loaded.runs, {
    now,
    framework: settings.framework,
    runId: settings.runId,
    minAgeMinutes: settings.minAgeMinutes,
    maxAgeHours: settings.maxAgeHours,
    force: settings.force,
    allowUnscoped: settings.allowUnscoped,
    scopeMap,
  });
  const outcomes: Outcomes = new Map();
  for (const entry of plan.runs) {
    if (entry.disposition === 'filtered-out') continue;
    const file = toRepoPath(workspace.repoRoot ?? adapters.cwd, entry.run.file);
    outcomes.set(entry.id, { id: printableName(entry.id), file, outcome: entry.disposition, ageMinutes: entry.ageMinutes, tokensIn: entry.run.record.aggregate_metrics.TOK_IN, tokensOut: entry.run.record.aggregate_metrics.TOK_OUT });
  }
  const badRecords = loaded.findings.filter((finding) => matchesFilter(String(finding.figures.file ?? ''), settings));
  for (const finding of badRecords) {
    const file = String(finding.figures.file ?? '');
    outcomes.set(`bad:${file}`, { id: printableName(file), file, outcome: 'bad', ageMinutes: 0, tokensIn: 0, tokensOut: 0 });
  }
  const unmatched = unmatchedSelection(plan, { framework: settings.framework, runId: settings.runId, runsDir: settings.runsDir, badRecords: badRecords.length });
  if (unmatched) adapters.logger.info(unmatched);
  const ledger = adapters.openLedger(workspace.auditDir);
  await ledger.assertNoSymlinks();
  const manifest = await ledger.readManifest();
  const findings = [...badRecords, ...plan.findings, ...staleLedgerFindings(manifest.windows, now.toISOString().slice(0, 10), settings.staleAfterDays)];
  const partial: PartialReport = { runs: [], notes: unmatched ? [unmatched] : [], findings, written: [], diffFile: null, commitSha: null, requests: 0, listed: settings.list };
  if (settings.list) {
    partial.runs = [...outcomes.values()];
    return { ...partial, outputs: countOutputs(partial) };
  }

  // The key is needed only when there is something to ask the provider.
  const openai = adapters.connectOpenAi(plan.scopes.size > 0 ? requireAdminKey(settings) : '');
  let fetched: { diffRuns: object[]; origin: 'provider' | 'simulator' };
  try {
    fetched = await reconcileScopes(settings, adapters, { plan, openai, outcomes, partial, now });
  } finally {
    partial.requests = openai.stats.requests;
    await openai.close();
  }
  const { diffRuns, origin } = fetched;
  if (diffRuns.length > 0 && !settings.dryRun) {
    const { stats } = openai;
    const diff = { schema_version: 1, command: 'reconcile', run_at: now.toISOString(), origin, runs: diffRuns, findings, requests: { total: stats.requests, retries: stats.retries, by_endpoint: { ...stats.byLabel } } };
    partial.diffFile = await ledger.writeDiff(now, 'reconcile', diff, 'run-diff');
    partial.written.push(partial.diffFile);
  }
  partial.runs = [...outcomes.values()];
  const message = `usage-ledger reconcile: ${diffRuns.length} run(s)\n\n${diffRuns.length} run record(s) reconciled with per-minute usage; ${findings.length} finding(s); ${partial.requests} request(s).\n`;
  const published = await publishRun(settings, adapters, workspace.repoRoot, {
    command: 'reconcile',
    written: partial.written,
    evidence: partial.diffFile ? [partial.diffFile] : [],
    diffFiles: partial.diffFile ? [partial.diffFile] : [],
    findings,
    evaluatedCodes: RECONCILE_CODES,
    commitMessage: message,
    pullRequestTitle: `usage-ledger reconcile: ${diffRuns.length} run(s)`,
    pullRequestBody: (sha) => buildReconcileSummary({ ...partial, commitSha: sha }, GITHUB_BODY_LIMIT - 1_536),
  });
  partial.commitSha = published.commitSha;
  partial.published = published;
  return { ...partial, outputs: { ...countOutputs(partial), ...published.outputs } };
}

/**
 * One per-minute query per scope, attribution, and the rewrite of every record whose
 * figures changed. Returns the diff file's run entries.
 */
async function reconcileScopes(
  settings: Settings,
  { logger }: Adapters,
  { plan, openai, outcomes, partial, now }: { plan: ReconcilePlan; openai: ProviderConnection; outcomes: Outcomes; partial: PartialReport; now: Date },
): Promise<{ diffRuns: object[]; origin: 'provider' | 'simulator' }> {
  const diffRuns: object[] = [];
  let origin: 'provider' | 'simulator' = 'provider';
  for (const [key, group] of plan.scopes) {
    const range = queryRange(group.selected.map(runWindowSeconds), settings.reconcileMarginSeconds);
    if (!range) continue;
    let usage;
    try {
      usage = await logger.group(`Per-minute usage for ${key}`, () => openai.minuteUsage(group.scope, range));
    } catch (error) {
      if (!(error instanceof PaginationError)) throw error;
      for (const entry of group.selected) outcomes.get(entry.id)!.outcome = 'failed';
      partial.findings.push({ code: error.code === 'MISSING_WINDOW' ? 'PROVIDER_ERROR' : error.code, severity: 'high', provider: 'openai', windows: [new Date(range.start * 1000).toISOString().slice(0, 10)], message: redactCredentialShapes(`${key}: ${error.message}; ${group.selected.length} run(s) left as they were`), figures: { scope: key, runs: group.selected.length } });
      continue;
    }
    if (usage.origin === 'simulator') origin = 'simulator';
    const buckets = usage.buckets.map((bucket) => ({ ...bucket, start: bucket.start * TIME_UNITS_PER_SECOND, end: bucket.end * TIME_UNITS_PER_SECOND }));
    const attribution = attributeUsage(group.participants, buckets);
    const query = { start_time: range.start, end_time: range.end, bucket_width: '1m' as const };
    // The diff file's entries are built with their keys in canonical (sorted) order, so
    // writing it for 10,000 runs makes no sorted copy of every entry, step and query.
    const diffQuery = { bucket_width: query.bucket_width, end_time: query.end_time, start_time: query.start_time };
    for (const entry of group.selected) {
      const figure = attribution.runs.get(entry.id);
      const outcome = outcomes.get(entry.id)!;
      if (!figure || figure.tokens_in + figure.tokens_out === 0) {
        outcome.outcome = 'data_not_available';
        continue;
      }
      if (sameFigures(entry.run.record, figure)) {
        outcome.outcome = 'unchanged';
        continue;
      }
      const drift = runDriftFinding(entry, figure);
      if (drift) partial.findings.push(drift);
      const updated = reconciledRecord(entry.run.record, figure, { reconciledAt: now.toISOString(), scope: group.scope, query, requests: usage.pages });
      if (!settings.dryRun) {
        try {
          writeRun(entry.run, updated);
        } catch (error) {
          if (!(error instanceof RunChangedError)) throw error;
          outcome.outcome = 'failed';
          partial.findings.push(badRunRecord(entry.run.relativePath, null, 'changed on disk while it was being reconciled; left as its writer wrote it, try again'));
          continue;
        }
        partial.written.push(entry.run.file);
      }
      Object.assign(outcome, { outcome: 'reconciled', tokensIn: figure.tokens_in, tokensOut: figure.tokens_out });
      diffRuns.push({
        file: outcome.file,
        framework: entry.run.framework,
        query: diffQuery,
        run_id: entry.run.runId,
        scope: scopeKey(group.scope),
        steps: figure.steps.map((step) => ({ method: step.method, step: step.step_number, tokens_in: step.tokens_in, tokens_out: step.tokens_out })),
        tokens_in: figure.tokens_in,
        tokens_in_before: entry.run.record.aggregate_metrics.TOK_IN,
        tokens_out: figure.tokens_out,
        tokens_out_before: entry.run.record.aggregate_metrics.TOK_OUT,
      });
    }
  }
  return { diffRuns, origin };
}
