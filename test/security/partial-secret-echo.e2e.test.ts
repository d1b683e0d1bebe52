// A provider that echoes part of the admin key in its error (`sk-admin-SEC…7f3a9c`, or
// "key ending in 7f3a9c") must not get a piece of it into anything a run leaves behind:
// the committed manifest, a diff file, logs, the job summary, action outputs, or a body
// sent to GitHub. Both shells run for real: the action through INPUT_* variables and
// @actions/core, the CLI through its main().

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/shell/cli-main.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, type RepoWithRemote } from '../helpers/git-repos.js';
import { runActionShell } from '../support/action-shell.js';
import { startGitHubFake, type GitHubFake } from '../support/github-fake.js';
import { readTree } from '../support/ledger-run.js';
import { startProviderProxy, type ProviderProxy } from '../support/provider-proxy.js';
import { runRecord, writeRunFile } from '../support/runs.js';
import { expectNoSecretPieces } from '../support/secret-scan.js';

const KEY = 'sk-admin-SECRETq8Zt4LmW2xKp7f3a9c';
const GITHUB_TOKEN = 'ghs_Q7xT2mLp9ZkR4vW8nB3cYh5J';
/** What a provider says when it shows "part" of the key: the prefix, an elision, the tail. */
const ECHO = JSON.stringify({
  error: {
    message: `Incorrect API key provided: ${KEY.slice(0, 12)}…${KEY.slice(-6)} (also seen as ${KEY.slice(0, 12)}...${KEY.slice(-6)}; key ending in ${KEY.slice(-6)})`,
    type: 'invalid_request_error',
  },
});

function githubTexts(github: GitHubFake): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const item of [...github.issues, ...github.pulls]) texts[`GitHub #${item.number}`] = `${item.title}\n${item.body ?? ''}\n${item.labels.join(',')}`;
  for (const [number, comments] of github.comments) texts[`GitHub #${number} comments`] = comments.map((comment) => comment.body).join('\n');
  return texts;
}

describe('a provider echoing part of the key', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let proxy: ProviderProxy;
  let github: GitHubFake;
  let scratch: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    github = await startGitHubFake({ token: GITHUB_TOKEN, owner: 'acme', repo: 'ledger' });
    scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-secret-'));
  });

  afterEach(async () => {
    await proxy?.close();
    await simulator?.close();
    await github.close();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('action sync: no piece of the key in the manifest, logs, summary, outputs or the alarm issue', async () => {
    const now = '2026-11-22T06:30:00Z';
    simulator = await startSimulator({ now: () => new Date(now) });
    proxy = await startProviderProxy(simulator.url, (target) => (target.includes('/organization/costs') ? { status: 500, body: ECHO } : undefined));
    const inputs: Record<string, string> = { command: 'sync', 'openai-base-url': proxy.url, now, days: '3', 'max-retries': '0', 'openai-admin-key': KEY, 'github-token': GITHUB_TOKEN };
    const { stdout, summary } = await runActionShell(inputs, { GITHUB_REPOSITORY: 'acme/ledger', GITHUB_API_URL: github.apiUrl, GITHUB_WORKSPACE: repo.work }, scratch);

    // The runner consumes its mask commands: they are the one place the key may appear.
    const masks = stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masks).toContain(`::add-mask::${KEY}`);
    const log = stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
    const manifest = JSON.parse(await readFile(path.join(repo.work, 'audit', 'manifest.json'), 'utf8'));
    const errors = Object.values(manifest.windows.openai).map((entry) => (entry as { last_error?: { message: string } }).last_error?.message);
    expect(errors.length).toBe(3);
    for (const message of errors) expect(message).toContain('Incorrect API key provided: sk-admin-***');
    expect(summary).toContain('| PROVIDER_ERROR | critical |');
    expect(github.issues.length).toBeGreaterThan(0);
    await expectNoSecretPieces(KEY, { dirs: [repo.work, scratch], texts: { log, ...githubTexts(github) } });
    await expectNoSecretPieces(GITHUB_TOKEN, { dirs: [repo.work, scratch], texts: { log, ...githubTexts(github) } });
  });

  it('CLI reconcile: no piece of the key in the diff file, the report, the logs or the pull request', async () => {
    const stepStart = 1760015386;
    const stepEnd = 1760015878;
    const now = new Date((stepEnd + 2 * 3600) * 1000);
    simulator = await startSimulator({ org: 'empty', now: () => now });
    simulator.addEvents([{ timestamp: stepStart + 10, endpoint: 'completions', project_id: 'proj_lab', api_key_id: 'key_ok', user_id: 'user-lab', model: 'gpt-4o-2024-08-06', input_tokens: 1200, output_tokens: 300, num_model_requests: 1 }]);
    proxy = await startProviderProxy(simulator.url, (target) => (target.includes('key_leaky') ? { status: 503, body: ECHO } : undefined));
    const runsDir = path.join(repo.work, 'runs');
    await writeRunFile(runsDir, 'agent', 'run-ok', runRecord('run-ok', [{ start: stepStart, end: stepEnd }], { usage_scope: { provider: 'openai', api_key_id: 'key_ok' } }));
    await writeRunFile(runsDir, 'agent', 'run-leaky', runRecord('run-leaky', [{ start: stepStart, end: stepEnd }], { usage_scope: { provider: 'openai', api_key_id: 'key_leaky' } }));
    let stdout = '';
    let stderr = '';
    const env = { OPENAI_ADMIN_KEY: KEY, GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/ledger', GITHUB_API_URL: github.apiUrl, USAGE_LEDGER_DEBUG: '1' };
    const argv = ['reconcile', '--openai-base-url', proxy.url, '--now', now.toISOString(), '--max-retries', '0', '--publish', 'pull-request'];

    const code = await main(argv, { cwd: repo.work, env, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });

    expect(code).toBe(0);
    expect(stdout).toMatch(/PROVIDER_ERROR: api_key_id:key_leaky: .*sk-admin-\*\*\*/);
    const diffs = [...(await readTree(path.join(repo.work, 'audit', 'diffs'))).values()];
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toContain('sk-admin-***');
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain('| PROVIDER_ERROR | high |');
    await expectNoSecretPieces(KEY, { dirs: [repo.work], texts: { stdout, stderr, ...githubTexts(github) } });
  });
});
