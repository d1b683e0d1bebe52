// After a command has written its files: publish them (a commit, a pull request, or
// nothing), raise or clear parity alarms, and keep the evidence as a workflow artifact.
// Every command ends here, so the three modes and the alarms behave the same everywhere.

import type { AlarmContext } from '../domain/alarm-body.js';
import type { Finding, FindingCode } from '../domain/findings.js';
import type { Logger } from '../ports.js';
import { type AlarmOperation, publishAlarms } from './alarms.js';
import { uploadEvidence } from '../adapters/artifact/artifact.js';
import type { Adapters } from './compose.js';
import { publishPullRequest } from './pull-request.js';
import { getErrorMessage } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { LEDGER_IDENTITY, publishCommit } from './publish-commit.js';
import { toRepoPath } from './update-ledger.js';

export interface Publication {
  command: string;
  /** Absolute paths of every file the command wrote. */
  written: readonly string[];
  /** Absolute paths of the raw pages and diff files, the evidence for the artifact. */
  evidence: readonly string[];
  /** Absolute paths of the diff files, linked from bodies. */
  diffFiles: readonly string[];
  findings: readonly Finding[];
  /** The codes this command evaluates; only alarms of these codes can be judged clean. */
  evaluatedCodes: ReadonlySet<FindingCode>;
  commitMessage: string;
  pullRequestTitle: string;
  /** The pull request body, given the commit it links to. */
  pullRequestBody: (sha: string) => string;
}

export interface PublishOutcome {
  commitSha: string | null;
  pullRequest: { number: number; url: string; operation: 'created' | 'updated' | 'unchanged' } | null;
  alarm: { operation: AlarmOperation; issueNumber: number | null };
  outputs: Record<string, string>;
  /** Steps that failed; every other step still ran. The command fails after reporting. */
  failures: PublishFailure[];
}

export interface PublishFailure {
  step: 'commit' | 'pull request' | 'alarm' | 'artifact';
  error: unknown;
}

/** Publishing could not complete: every failed step, after all the others ran. */
export class PublishError extends Error {
  readonly failures: readonly PublishFailure[];
  constructor(failures: readonly PublishFailure[]) {
    super(failures.map((failure) => `${failure.step}: ${getErrorMessage(failure.error)}`).join('; '));
    this.name = 'PublishError';
    this.failures = failures;
  }
}

/** Runs one step; a failure is recorded and the next step still runs. */
async function attempt<T>(failures: PublishFailure[], step: PublishFailure['step'], body: () => Promise<T>, logger: Logger): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    logger.warning(`${step} failed: ${getErrorMessage(error)}; the remaining steps still run`);
    failures.push({ step, error });
    return undefined;
  }
}

/**
 * Publishes what the command wrote (absolute paths under repoRoot, undefined when the
 * workspace is no git repository), raises or clears alarms, and uploads the evidence.
 */
export async function publishRun(settings: Settings, adapters: Adapters, repoRoot: string | undefined, publication: Publication): Promise<PublishOutcome> {
  const { logger } = adapters;
  const failures: PublishFailure[] = [];
  const published = settings.dryRun || !repoRoot ? undefined : await publishFiles(settings, adapters, repoRoot, publication, failures);
  const commitSha = published?.sha ?? null;
  const pullRequest = published?.pullRequest ?? null;

  const alarmContext: AlarmContext = {
    serverUrl: settings.githubServerUrl,
    repository: settings.repository ?? '',
    commitSha,
    diffFiles: repoRoot ? publication.diffFiles.map((file) => toRepoPath(repoRoot, file)) : [],
    command: publication.command,
    now: adapters.clock.now().toISOString(),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
  };
  const noAlarm = { operation: 'none' as const, issueNumber: null };
  const alarm = settings.dryRun
    ? noAlarm
    : ((await attempt(
        failures,
        'alarm',
        () =>
          publishAlarms({
            github: adapters.github,
            findings: publication.findings,
            evaluatedCodes: publication.evaluatedCodes,
            thresholdPercent: settings.driftThreshold,
            clearRuns: settings.alarmClearRuns,
            context: alarmContext,
            logger,
          }),
        logger,
      )) ?? noAlarm);

  if (!settings.dryRun && publication.evidence.length > 0) {
    await attempt(
      failures,
      'artifact',
      () =>
        uploadEvidence({
          name: `${settings.artifactName}-${publication.command}`,
          files: publication.evidence,
          rootDirectory: repoRoot ?? adapters.git.cwd,
          retentionDays: settings.artifactRetentionDays,
          env: adapters.env,
          logger,
        }),
      logger,
    );
  }

  return {
    commitSha,
    pullRequest,
    alarm: { operation: alarm.operation, issueNumber: alarm.issueNumber },
    outputs: {
      'commit-sha': commitSha ?? '',
      'pull-request-number': pullRequest ? String(pullRequest.number) : '',
      'pull-request-operation': pullRequest?.operation ?? 'none',
      'alarm-issue-number': alarm.issueNumber === null ? '' : String(alarm.issueNumber),
      'alarm-operation': alarm.operation,
    },
    failures,
  };
}

/** The commit, or the pull request, that carries the written files. */
async function publishFiles(
  settings: Settings,
  { git, github, logger }: Adapters,
  repoRoot: string,
  publication: Publication,
  failures: PublishFailure[],
): Promise<{ sha: string | null; pullRequest: PublishOutcome['pullRequest'] } | undefined> {
  // With nothing written a commit-mode run still pushes a ledger commit a killed run left unpushed.
  if (settings.publish === 'commit') {
    const committed = await attempt(failures, 'commit', () => publishCommit({ git, repoRoot, files: publication.written, message: publication.commitMessage, auditDir: settings.auditDir, logger }), logger);
    return { sha: committed?.sha ?? null, pullRequest: null };
  }
  if (publication.written.length === 0 || settings.publish !== 'pull-request' || !github) return undefined;
  const result = await attempt(
    failures,
    'pull request',
    async () => {
      const upstream = await git.upstream();
      const base = upstream ? upstream.mergeRef.replace(/^refs\/heads\//, '') : ((await git.currentBranch()) ?? 'main');
      return logger.group('Pull request', () =>
        publishPullRequest({
          git,
          github,
          command: publication.command,
          base,
          remote: upstream?.remote ?? 'origin',
          paths: publication.written.map((file) => toRepoPath(repoRoot, file)),
          message: publication.commitMessage,
          title: publication.pullRequestTitle,
          identity: LEDGER_IDENTITY,
          bodyFor: publication.pullRequestBody,
          logger,
        }),
      );
    },
    logger,
  );
  return result && { sha: result.sha, pullRequest: { number: result.number, url: result.url, operation: result.operation } };
}
