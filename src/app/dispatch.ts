// One entry for both shells: run the chosen command and hand back what to report. The
// shells only parse their inputs and print or set what comes back.

import { buildReconcileSummary, buildRunSummary } from '../domain/markdown.js';
import { UsageError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import type { Adapters } from './compose.js';
import { runLedgerCommand } from './ledger-command.js';
import { type PublishFailure, PublishError, type PublishOutcome } from './publish-run.js';
import { runReconcile } from './reconcile.js';

export interface CommandReport {
  outputs: Record<string, string>;
  /** Markdown for the job summary. */
  summary: string;
  /** Plain lines for a terminal. */
  lines: string[];
}

/**
 * The command ran to its end but a publishing step failed: the report is still whole, so
 * the shells set the outputs and write the summary before they fail.
 */
export class IncompleteRunError extends PublishError {
  readonly report: CommandReport;
  constructor(failures: readonly PublishFailure[], report: CommandReport) {
    super(failures);
    this.name = 'IncompleteRunError';
    this.report = report;
  }
}

/** Throws IncompleteRunError, carrying the report, when a publishing step failed. */
function finished(report: CommandReport, published: PublishOutcome | undefined): CommandReport {
  if (published && published.failures.length > 0) throw new IncompleteRunError(published.failures, report);
  return report;
}

export async function runCommand(settings: Settings, adapters: Adapters): Promise<CommandReport> {
  switch (settings.command) {
    case 'sync':
    case 'backfill': {
      const result = await runLedgerCommand(settings, adapters);
      const { run } = result;
      const summary = buildRunSummary({
        command: settings.command,
        dryRun: settings.dryRun,
        windows: run.windows,
        findings: result.findings,
        requests: run.requests,
        commitSha: result.commitSha,
        diffFiles: result.diffPaths,
        links: settings.repository ? { serverUrl: settings.githubServerUrl, repository: settings.repository } : undefined,
        pullRequest: result.published.pullRequest ?? undefined,
        alarm: result.published.alarm,
      });
      const lines = run.windows.map((window) => {
        const tokens = window.tokens === null ? '-' : window.tokens.toLocaleString('en-US');
        const delta = window.status === 'changed' ? ` (${window.tokenDelta >= 0 ? '+' : ''}${window.tokenDelta.toLocaleString('en-US')})` : '';
        return `${window.provider} ${window.date}  ${window.state.padEnd(11)} ${window.status.padEnd(9)} ${tokens.padStart(12)} tokens${delta}`;
      });
      for (const finding of result.findings) lines.push(`${finding.severity.toUpperCase()} ${finding.code}: ${finding.message}`);
      if (result.published.pullRequest) lines.push(`pull request #${result.published.pullRequest.number} ${result.published.pullRequest.operation}: ${result.published.pullRequest.url}`);
      if (result.published.alarm.operation !== 'none') lines.push(`parity alarm ${result.published.alarm.issueNumber === null ? '' : `#${result.published.alarm.issueNumber} `}${result.published.alarm.operation}`);
      lines.push(
        `${run.windows.length} window(s), ${run.written.length} file(s) written, ${run.requests.total} request(s)` +
          (result.commitSha ? `, commit ${result.commitSha.slice(0, 12)}` : run.written.length === 0 ? ', nothing to commit' : ''),
      );
      return finished({ outputs: result.outputs, summary, lines }, result.published);
    }
    case 'reconcile': {
      const report = await runReconcile(settings, adapters);
      const lines = report.runs.map(
        (run) => `${run.id.padEnd(32)} ${run.outcome.padEnd(18)} age ${String(run.ageMinutes).padStart(5)} min  in ${run.tokensIn}  out ${run.tokensOut}`,
      );
      for (const finding of report.findings) lines.push(`${finding.severity.toUpperCase()} ${finding.code}: ${finding.message}`);
      lines.push(...report.notes);
      if (!report.listed) {
        lines.push(`${report.outputs['runs-reconciled']} reconciled, ${report.outputs['runs-pending']} pending, ${report.outputs['runs-failed']} failed; ${report.requests} request(s)${report.commitSha ? `, commit ${report.commitSha.slice(0, 12)}` : ''}`);
      }
      return finished({ outputs: report.outputs, summary: buildReconcileSummary(report), lines }, report.published);
    }
    default:
      throw new UsageError(`${settings.command} is run from the command line only`, 'command');
  }
}
