// The fault matrix, GitHub side: a token without the issues or pull-requests permission, a
// 502 on an issue create that GitHub had already carried out, and a provider error that
// echoes part of the admin key on its way into an alarm issue. GitHub is the loopback fake
// behind a recording proxy, so every request body sent to it is scanned for secrets.

import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startSimulator, type ScenarioName } from '../../src/simulator/index.js';
import { gitIn } from '../helpers/git-repos.js';
import { FAULT_ADMIN_KEY, runFaulted } from '../support/fault-ledger-run.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startGitHubFake } from '../support/github-fake.js';
import { ledgerTreeAt } from '../support/fault-commit-tree.js';
import { assertConsistentLedger } from '../support/ledger-consistency.js';
import { goodLedgerTemplate, type GoodLedgerTemplate, MATRIX_FLAGS, NOW } from './good-ledger.js';
import { expectInvariants } from './invariants.js';

const GITHUB_TOKEN = 'ghs_Q7xT2mLp9ZkR4vW8nB3cYh5J';
const SECRETS = [FAULT_ADMIN_KEY, GITHUB_TOKEN];
/** What a provider says when it shows "part" of the key: the prefix, an elision, the tail. */
const KEY_ECHO = JSON.stringify({
  error: { message: `Incorrect API key provided: ${FAULT_ADMIN_KEY.slice(0, 12)}…${FAULT_ADMIN_KEY.slice(-6)}`, type: 'invalid_request_error' },
});

// Each row has its own clone, provider and GitHub, so the rows run side by side.
describe.concurrent('fault matrix: GitHub', () => {
  let template: GoodLedgerTemplate;

  beforeAll(async () => {
    template = await goodLedgerTemplate();
  });

  afterAll(async () => {
    await template.cleanup();
  });

  /** A copy of the good ledger, a provider at the good ledger's time, and GitHub behind a recorder. */
  async function setUp(onTestFinished: TestContext['onTestFinished'], scenarios: ScenarioName[] = []) {
    const repo = await template.clone();
    const simulator = await startSimulator({ now: () => NOW, scenarios });
    const github = await startGitHubFake({ token: GITHUB_TOKEN, owner: 'acme', repo: 'ledger' });
    const recorder = await startFaultProxy(github.apiUrl);
    const closers: Array<{ close(): Promise<void> }> = [recorder, github, simulator];
    onTestFinished(async () => {
      await Promise.all(closers.map((closer) => closer.close()));
      await repo.cleanup();
    });
    const sync = (baseUrl = simulator.url, flags: Record<string, string> = {}) =>
      runFaulted('sync', {
        cwd: repo.work,
        baseUrl,
        now: NOW,
        flags: { ...MATRIX_FLAGS, 'max-retries': '0', ...flags },
        env: { GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/ledger', GITHUB_API_URL: recorder.url },
      });
    const invariants = (outcome: Awaited<ReturnType<typeof sync>>, alsoAt: Array<{ dir: string; rev: string }> = []) =>
      expectInvariants({ repo, simulator, good: template.good, outcome, secrets: SECRETS, github, githubRequests: recorder.requests, alsoAt });
    return { repo, simulator, github, recorder, closers, sync, invariants };
  }

  it('no issues permission: the ledger commit lands, the alarm step fails and is reported', async ({ onTestFinished }) => {
    const { repo, github, sync, invariants } = await setUp(onTestFinished, ['server-error']);
    github.denyPermission('issues');

    const outcome = await sync();

    expect(outcome.error).toBeUndefined();
    await invariants(outcome);
    const published = outcome.result!.published;
    expect(published.commitSha).toBe(await gitIn(repo.bare, ['rev-parse', 'main']));
    expect(published.failures.map((failure) => failure.step)).toEqual(['alarm']);
    expect(outcome.log).toMatch(/alarm failed: .*403/);
    expect(github.issues).toEqual([]);
  });

  it('no pull-requests permission: the ledger commit lands on its branch, the pull request step fails and is reported', async ({ onTestFinished }) => {
    const { repo, github, sync, invariants } = await setUp(onTestFinished, ['server-error']);
    github.denyPermission('pulls');

    const outcome = await sync(undefined, { publish: 'pull-request' });

    expect(outcome.error).toBeUndefined();
    await invariants(outcome, [{ dir: repo.bare, rev: 'usage-ledger/sync' }]);
    expect(outcome.result!.published.failures.map((failure) => failure.step)).toEqual(['pull request']);
    expect(outcome.log).toMatch(/pull request failed: .*403/);
    const branch = assertConsistentLedger(await ledgerTreeAt(repo.bare, 'usage-ledger/sync'));
    expect(Object.values(branch.windows.openai ?? {}).map((entry) => entry.state)).toEqual(Array(5).fill('missing'));
    expect(github.pulls).toEqual([]);
    // Every publishing step still ran: the alarm for the failed fetch is open.
    expect(github.issues).toHaveLength(1);
  });

  it('a 502 after the issue was created: re-running finds it by its marker and opens no second one', async ({ onTestFinished }) => {
    const { github, sync, invariants } = await setUp(onTestFinished, ['server-error']);
    github.failNext({ method: 'POST', path: /\/issues$/, status: 502, afterStore: true });

    const first = await sync();
    await invariants(first);
    const second = await sync();

    expect(second.error).toBeUndefined();
    await invariants(second);
    expect(github.requests.filter((request) => request.method === 'POST' && /\/issues$/.test(request.path)).map((request) => request.status)).toContain(502);
    expect(github.issues).toHaveLength(1);
    expect(second.result!.published.alarm.issueNumber).toBe(github.issues[0]!.number);
    expect(second.result!.published.failures).toEqual([]);
  });

  it('a provider error echoing part of the key: no piece of it in the ledger, the log or the alarm issue', async ({ onTestFinished }) => {
    const { simulator, github, recorder, closers, sync, invariants } = await setUp(onTestFinished);
    const provider = await startFaultProxy(simulator.url, (request) =>
      request.path.includes('/organization/costs') ? { kind: 'reply', status: 500, body: KEY_ECHO } : undefined,
    );
    closers.push(provider);

    const outcome = await sync(provider.url);

    expect(outcome.error).toBeUndefined();
    const windows = await invariants(outcome);
    // The echo reached the run and was recorded, redacted.
    const errors = Object.values(windows).map((entry) => entry.last_error?.message ?? '');
    expect(errors.some((message) => message.includes('Incorrect API key provided: sk-admin-***'))).toBe(true);
    expect(github.issues).toHaveLength(1);
    expect(recorder.requests.some((request) => request.method === 'POST' && request.body.includes('PROVIDER_ERROR'))).toBe(true);
  });
});
