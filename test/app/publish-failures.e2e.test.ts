// Every publishing step that can run does: a pull request GitHub refuses does not keep the
// parity alarm from opening, the step then fails listing every error, and the outputs
// already known are set. Driven through the action's own shell and @actions/core.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, type RepoWithRemote } from '../helpers/git-repos.js';
import { runActionShell } from '../support/action-shell.js';
import { startGitHubFake, type GitHubFake } from '../support/github-fake.js';
import { runLedger } from '../support/ledger-run.js';

const NOW = '2026-11-22T06:30:00Z';
const SETTLED_DAY = addDays(NOW.slice(0, 10), -3);

describe('publishing steps are independent', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let github: GitHubFake;
  let scratch: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    github = await startGitHubFake({ token: 'ghs_publish_test', owner: 'acme', repo: 'ledger' });
    simulator = await startSimulator({ now: () => new Date(NOW) });
    scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-publish-'));
  });

  afterEach(async () => {
    await simulator.close();
    await github.close();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('opens the alarm for a 10% drift although GitHub refuses the pull request, then fails naming the refusal', async () => {
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: new Date(NOW) });
    simulator.restateDay(SETTLED_DAY, 10);
    github.denyPermission('pulls');

    const inputs = { command: 'sync', publish: 'pull-request', 'openai-base-url': simulator.url, now: NOW, 'openai-admin-key': 'sk-admin-publish-test', 'github-token': 'ghs_publish_test' };
    const result = await runActionShell(inputs, { GITHUB_REPOSITORY: 'acme/ledger', GITHUB_API_URL: github.apiUrl, GITHUB_WORKSPACE: repo.work }, scratch);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::pull request: .*403/);
    const alarms = github.issues.filter((issue) => issue.labels.includes('parity-alarm'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.body ?? '').toContain(SETTLED_DAY);
    expect(github.pulls).toHaveLength(0);

    const { outputs } = result;
    expect(outputs['alarm-operation']).toBe('opened');
    expect(outputs['alarm-issue-number']).toBe(String(alarms[0]!.number));
    expect(outputs['pull-request-operation']).toBe('none');
    expect(JSON.parse(outputs['issues-by-code']!)).toEqual({ TOKEN_DRIFT: 1 });
    expect(Number(outputs['max-drift-pct'])).toBeGreaterThan(2);
    expect(result.summary).toContain('TOKEN_DRIFT');
  });
});
