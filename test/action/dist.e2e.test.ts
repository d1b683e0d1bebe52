// The built action, run the way the runner runs it: `node dist/index.js` with INPUT_*
// variables, a GITHUB_OUTPUT file and a GITHUB_STEP_SUMMARY file, in a git checkout.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { parseOutputs } from '../support/action-shell.js';
import { startGitHubFake } from '../support/github-fake.js';
import { readTree, runLedger } from '../support/ledger-run.js';
import { runRecord, writeRunFile } from '../support/runs.js';

const run = promisify(execFile);
const ACTION = path.resolve(import.meta.dirname, '../../dist/index.js');
const NOW = new Date('2026-11-22T06:30:00Z');
const SECRET = 'sk-admin-e2e-very-secret-value';

/** The runner needs the secret once, in the ::add-mask:: command; it must appear nowhere else. */
function withoutMaskCommands(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

async function runAction(workspace: string, inputs: Record<string, string>, scratch: string, extraEnv: Record<string, string> = {}) {
  const outputFile = path.join(scratch, 'output.txt');
  const summaryFile = path.join(scratch, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: scratch,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await run(process.execPath, [ACTION], { cwd: workspace, env }).catch((error: { stdout: string; stderr: string; code: number }) => ({ ...error, failed: true }));
  return {
    stdout: result.stdout,
    exitCode: 'failed' in result ? result.code : 0,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

describe('node dist/index.js', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let scratch: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-action-'));
    simulator = await startSimulator({ now: () => NOW });
  });

  afterEach(async () => {
    await simulator.close();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('syncs into the checkout, commits, sets every output once and writes the summary', async () => {
    const result = await runAction(
      repo.work,
      { command: 'sync', 'openai-base-url': simulator.url, now: NOW.toISOString(), 'openai-admin-key': SECRET },
      scratch,
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      'windows-processed': '7',
      changed: 'true',
      'issues-by-code': '{}',
      'max-drift-pct': '0',
      'pull-request-operation': 'none',
      'alarm-operation': 'none',
    });
    expect(result.outputs['commit-sha']).toBe(await gitIn(repo.bare, ['rev-parse', 'main']));
    expect(result.summary).toContain('## usage-ledger sync');
    expect(result.summary).toContain('| openai | 2026-11-22 | provisional | new |');
    expect(withoutMaskCommands(result.stdout)).not.toContain(SECRET);
    expect(result.stdout).toContain(`::add-mask::${SECRET}`);

    // The same ledger the CLI's use case writes from the same provider data.
    const other = await createRepoWithRemote();
    try {
      await runLedger('sync', { cwd: other.work, baseUrl: simulator.url, now: NOW });
      expect(await readTree(path.join(repo.work, 'audit'))).toEqual(await readTree(path.join(other.work, 'audit')));
    } finally {
      await other.cleanup();
    }
  });

  it('fails once with a message naming the input, and writes nothing, on bad input', async () => {
    const result = await runAction(repo.work, { command: 'backfill', 'start-date': '2026-02-30', 'openai-admin-key': SECRET }, scratch);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::start-date: expected a real calendar date');
    expect(result.stdout.match(/::error::/g)).toHaveLength(1);
    expect(await readTree(path.join(repo.work, 'audit'))).toEqual(new Map());
  });

  it('reports a key without the usage scope as SCOPE_MISSING without writing, and never prints the key', async () => {
    const result = await runAction(repo.work, { command: 'sync', 'openai-base-url': simulator.url, now: NOW.toISOString(), 'openai-admin-key': 'sk-proj-not-an-admin-key' }, scratch);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::.*admin key.*api\.usage\.read/);
    expect(withoutMaskCommands(result.stdout)).not.toContain('sk-proj-not-an-admin-key');
    expect(await readTree(path.join(repo.work, 'audit'))).toEqual(new Map());
    expect(simulator.requestLog.length).toBeGreaterThan(0);
  });

  it('reconciles run records in the checkout and commits them once', async () => {
    const start = 1760015386;
    const end = 1760015878;
    const usage = (timestamp: number, api_key_id: string, input_tokens: number, output_tokens: number) => ({
      timestamp, endpoint: 'completions' as const, project_id: 'proj_a', api_key_id, user_id: 'user-a', model: 'gpt-4o-2024-08-06', input_tokens, output_tokens, num_model_requests: 1,
    });
    simulator.addEvents([usage(start + 30, 'key_runner', 84_604, 23_275), usage(start + 90, 'key_someone_else', 5_000, 700)]);
    await writeRunFile(path.join(repo.work, 'runs'), 'example-agent', 'run-0001', runRecord('run-0001', [{ start, end }], { usage_scope: { provider: 'openai', api_key_id: 'key_runner' } }));
    await gitIn(repo.work, ['add', 'runs']);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'a finished run']);
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);

    const result = await runAction(
      repo.work,
      { command: 'reconcile', 'openai-base-url': simulator.url, now: new Date((end + 3600) * 1000).toISOString(), 'openai-admin-key': SECRET },
      scratch,
    );

    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ 'runs-reconciled': '1', 'runs-pending': '0', 'runs-failed': '0', changed: 'true' });
    const record = JSON.parse(await readFile(path.join(repo.work, 'runs/example-agent/run-0001/metrics.json'), 'utf8'));
    expect(record.aggregate_metrics).toMatchObject({ TOK_IN: 84_604, TOK_OUT: 23_275 });
    expect(await gitIn(repo.work, ['rev-list', '--count', `${head}..HEAD`])).toBe('1');
    expect(result.outputs['commit-sha']).toBe(await gitIn(repo.bare, ['rev-parse', 'main']));
    expect(result.summary).toContain('## usage-ledger reconcile');
    expect(result.summary).toContain('| example\\-agent/run\\-0001 | reconciled |');
  });

  it('opens a pull request and a parity alarm through the GitHub API at GITHUB_API_URL', async () => {
    const github = await startGitHubFake({ token: 'ghs_action_token', owner: 'acme', repo: 'ledger', pathPrefix: '/api/v3' });
    try {
      await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
      simulator.restateDay('2026-11-19', 3);
      github.failNext({ method: 'POST', path: /\/pulls$/, status: 502, afterStore: true });
      const result = await runAction(
        repo.work,
        { command: 'sync', publish: 'pull-request', 'openai-base-url': simulator.url, now: NOW.toISOString(), 'openai-admin-key': SECRET, 'github-token': 'ghs_action_token' },
        scratch,
        { GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: 'acme/ledger', GITHUB_SERVER_URL: 'https://ghe.example.test', GITHUB_RUN_ID: '4242' },
      );
      expect(result.exitCode).toBe(0);
      expect(github.pulls).toHaveLength(1);
      expect(github.issues.filter((issue) => issue.labels.includes('parity-alarm'))).toHaveLength(1);
      expect(result.outputs).toMatchObject({
        'pull-request-operation': 'created',
        'pull-request-number': String(github.pulls[0]!.number),
        'alarm-operation': 'opened',
        'alarm-issue-number': String(github.issues.find((issue) => issue.labels.includes('parity-alarm'))!.number),
      });
      expect(JSON.parse(result.outputs['issues-by-code']!)).toEqual({ TOKEN_DRIFT: 1 });
      expect(github.pulls[0]!.body ?? '').toContain(`https://ghe.example.test/acme/ledger/blob/${result.outputs['commit-sha']}/audit/diffs/`);
      expect(result.summary).toContain(`Pull request [#${result.outputs['pull-request-number']}]`);
      expect(result.summary).toContain(`Parity alarm #${result.outputs['alarm-issue-number']} opened`);
      expect(withoutMaskCommands(result.stdout)).not.toContain('ghs_action_token');
    } finally {
      await github.close();
    }
  });

  it('fails naming the input when pull-request mode has no token', async () => {
    const result = await runAction(repo.work, { command: 'sync', publish: 'pull-request', 'openai-admin-key': SECRET }, scratch, { GITHUB_REPOSITORY: 'acme/ledger' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::github-token: pull-request mode needs a GitHub token');
  });
});
