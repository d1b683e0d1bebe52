// Parity alarms and pull requests end to end: the sync and reconcile use cases against
// the simulator, real git remotes, and a stateful loopback fake of the GitHub API.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLedgerCommand } from '../../src/app/ledger-command.js';
import { runReconcile } from '../../src/app/reconcile.js';
import { addDays } from '../../src/domain/dates.js';
import { silentLogger } from '../../src/ports.js';
import { parseSettings } from '../../src/config/settings.js';
import { startSimulator, type SimEvent, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, logOf, type RepoWithRemote } from '../helpers/git-repos.js';
import { startGitHubFake, type GitHubFake } from '../support/github-fake.js';
import { recordingClock, utcSeconds } from '../support/ledger-run.js';
import { composeAdapters } from '../../src/app/compose.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const TODAY = '2026-11-22';
const SETTLED_DAY = addDays(TODAY, -3);
const XSS_MODEL = '<img src=x onerror=alert(1)> @everyone';

describe('parity alarms and pull requests', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let github: GitHubFake;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    github = await startGitHubFake({ token: 'ghs_test_token', owner: 'acme', repo: 'ledger' });
  });

  afterEach(async () => {
    await simulator?.close();
    await github.close();
    await repo.cleanup();
  });

  function env(): Record<string, string> {
    return { OPENAI_ADMIN_KEY: 'sk-admin-alarm-test', GITHUB_TOKEN: 'ghs_test_token', GITHUB_REPOSITORY: 'acme/ledger', GITHUB_API_URL: github.apiUrl };
  }

  async function run(command: 'sync' | 'reconcile', flags: Record<string, string> = {}, now = NOW) {
    const settings = parseSettings(command, [], { 'openai-base-url': simulator.url, now: now.toISOString(), ...flags }, env(), now);
    const deps = { cwd: repo.work, clock: recordingClock(now), logger: silentLogger, env: {} };
    return command === 'sync' ? (await runLedgerCommand(settings, composeAdapters(settings, deps))).outputs : (await runReconcile(settings, composeAdapters(settings, deps))).outputs;
  }

  function alarmIssues() {
    return github.issues.filter((issue) => issue.labels.includes('parity-alarm'));
  }

  function completionsEvent(date: string, tokens: number, model = 'gpt-4o-2024-08-06'): SimEvent {
    return { timestamp: utcSeconds(date) + 3600, endpoint: 'completions', project_id: 'proj_a', api_key_id: 'key_a', user_id: 'user-a', model, input_tokens: tokens, output_tokens: 0, num_model_requests: 1 };
  }

  it('opens one alarm on a 3% restatement, keeps it through a clean run, updates it on a new restatement, and closes it after two clean runs', async () => {
    simulator = await startSimulator({ now: () => NOW });
    expect((await run('sync'))['alarm-operation']).toBe('none');

    simulator.restateDay(SETTLED_DAY, 3);
    const opened = await run('sync');
    expect(opened['alarm-operation']).toBe('opened');
    expect(alarmIssues()).toHaveLength(1);
    const issue = alarmIssues()[0]!;
    expect(opened['alarm-issue-number']).toBe(String(issue.number));
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(expect.arrayContaining(['parity-alarm', 'provider:openai']));
    expect(issue.labels.some((label) => label.startsWith('severity:'))).toBe(true);
    expect(issue.body ?? '').toMatch(/<!-- usage-ledger:alarm \{.*"fingerprint":"openai\/TOKEN_DRIFT".*\} -->/);
    expect(issue.body ?? '').toContain(SETTLED_DAY);
    expect(issue.body ?? '').toMatch(/blob\/[0-9a-f]{40}\/audit\/diffs\//);

    const clean = await run('sync');
    expect(clean['alarm-operation']).toBe('updated');
    expect(alarmIssues()).toHaveLength(1);
    expect(alarmIssues()[0]!.state).toBe('open');
    expect((github.comments.get(issue.number) ?? [])).toHaveLength(0);

    simulator.restateDay(SETTLED_DAY, 3);
    const again = await run('sync');
    expect(again['alarm-operation']).toBe('updated');
    expect(alarmIssues()).toHaveLength(1);
    expect((github.comments.get(issue.number) ?? [])).toHaveLength(1);

    expect((await run('sync'))['alarm-operation']).toBe('updated');
    expect(alarmIssues()[0]!.state).toBe('open');
    const closed = await run('sync');
    expect(closed['alarm-operation']).toBe('closed');
    expect(alarmIssues()[0]!.state).toBe('closed');
    expect((github.comments.get(issue.number) ?? [])).toHaveLength(2);
    expect(alarmIssues()).toHaveLength(1);
  });

  it('does not alarm on a drift of exactly the threshold, and does just above it', async () => {
    simulator = await startSimulator({ org: 'empty', now: () => NOW });
    const exact = addDays(TODAY, -4);
    const above = addDays(TODAY, -5);
    simulator.addEvents([completionsEvent(exact, 100_000), completionsEvent(above, 100_000)]);
    await run('sync');
    simulator.addEvents([completionsEvent(exact, 2_000), completionsEvent(above, 2_001)]);
    const outputs = await run('sync');
    expect(JSON.parse(outputs['issues-by-code']!)).toEqual({ TOKEN_DRIFT: 2 });
    expect(outputs['alarm-operation']).toBe('opened');
    const [issue] = alarmIssues();
    expect(issue!.body ?? '').toContain(above);
    expect(issue!.body ?? '').not.toContain(exact);
  });

  it('leaves exactly one issue when a create is stored but answered with 502, then retried', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await run('sync');
    simulator.restateDay(SETTLED_DAY, 3);
    github.failNext({ method: 'POST', path: /\/repos\/acme\/ledger\/issues$/, status: 502, afterStore: true });
    const outputs = await run('sync');
    expect(outputs['alarm-operation']).toBe('opened');
    expect(alarmIssues()).toHaveLength(1);
    expect(outputs['alarm-issue-number']).toBe(String(alarmIssues()[0]!.number));
  });

  it('opens one pull request and updates the same one with new data, with provider text inert', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await run('sync');
    const base = await gitIn(repo.work, ['rev-parse', 'HEAD']);

    simulator.addEvents([completionsEvent(SETTLED_DAY, 50_000_000, XSS_MODEL)]);
    const first = await run('sync', { publish: 'pull-request' });
    expect(first['pull-request-operation']).toBe('created');
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(pull.head).toBe('usage-ledger/sync');
    expect(pull.base).toBe('main');
    expect(await gitIn(repo.bare, ['rev-parse', 'refs/heads/usage-ledger/sync'])).toBe(first['commit-sha']);
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(base);
    expect(pull.body ?? '').toContain(`blob/${first['commit-sha']}/audit/diffs/`);
    expect(first['alarm-operation']).toBe('opened');
    for (const body of [pull.body ?? '', alarmIssues()[0]!.body ?? '']) {
      expect(body).not.toMatch(/<img/i);
      expect(body).not.toMatch(/(^|[^\u200b])@everyone/);
      expect(body).toContain('onerror');
    }

    // The next scheduled run starts from a fresh checkout of main, with new provider data.
    await gitIn(repo.work, ['checkout', '--quiet', '--', '.']);
    await gitIn(repo.work, ['clean', '--quiet', '-fd']);
    simulator.restateDay(addDays(TODAY, -4), 3);
    const second = await run('sync', { publish: 'pull-request' });
    expect(second['pull-request-operation']).toBe('updated');
    expect(second['pull-request-number']).toBe(first['pull-request-number']);
    expect(github.pulls).toHaveLength(1);
    expect(await gitIn(repo.bare, ['rev-parse', 'refs/heads/usage-ledger/sync'])).toBe(second['commit-sha']);
    expect(github.pulls[0]!.body ?? '').toContain(`blob/${second['commit-sha']}/audit/diffs/`);
  });

  it('rebases and retries a push rejected because the remote moved, keeping both commits', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await run('sync');
    const other = await repo.cloneAnother();
    await gitIn(other, ['-c', 'user.name=Someone', '-c', 'user.email=someone@example.invalid', 'commit', '--allow-empty', '-m', 'a teammate pushed first']);
    await gitIn(other, ['push', '--quiet', 'origin', 'main']);
    simulator.restateDay(SETTLED_DAY, 3);
    const outputs = await run('sync');
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(outputs['commit-sha']);
    const history = await logOf(repo.bare, 'main');
    expect(history).toContain('a teammate pushed first');
    expect(history.filter((subject) => subject.startsWith('usage-ledger sync'))).toHaveLength(2);
  });

  it('raises STALE_LEDGER from reconcile a week after the newest fetched day, and nothing on a fresh ledger', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await run('sync');
    const fresh = await run('reconcile');
    expect(JSON.parse(fresh['issues-by-code']!)).toEqual({});
    expect(fresh['alarm-operation']).toBe('none');

    const weekLater = new Date(NOW.getTime() + 7 * 86_400_000);
    const stale = await run('reconcile', {}, weekLater);
    expect(JSON.parse(stale['issues-by-code']!)).toEqual({ STALE_LEDGER: 1 });
    expect(stale['alarm-operation']).toBe('opened');
    const [issue] = alarmIssues();
    expect(issue!.labels).toContain('severity:critical');
    expect(issue!.body ?? '').toContain('STALE_LEDGER');
    expect(path.basename(repo.work)).toBe('work');
  });

  it('reports an alarm without a token as skipped, and pull-request mode without one is a usage error', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await run('sync');
    simulator.restateDay(SETTLED_DAY, 3);
    const noToken = { OPENAI_ADMIN_KEY: 'sk-admin-alarm-test' };
    const requestsBefore = github.requests.length;
    const settings = parseSettings('sync', [], { 'openai-base-url': simulator.url, now: NOW.toISOString() }, noToken, NOW);
    const result = await runLedgerCommand(settings, composeAdapters(settings, { cwd: repo.work, clock: recordingClock(NOW), logger: silentLogger, env: {} }));
    expect(result.outputs['alarm-operation']).toBe('skipped');
    expect(github.requests).toHaveLength(requestsBefore);
    expect(() => parseSettings('sync', [], { publish: 'pull-request' }, noToken, NOW)).toThrow(/^github-token: pull-request mode needs a GitHub token/);
  });
});
