// How the GitHub client fails: what it retries (idempotent calls, rate limits), what it
// never sends twice (creates whose answer was lost), and what its messages tell the user.
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { describeRefusal } from '../../../src/adapters/github/failures.js';
import { GitHubError } from '../../../src/adapters/github/port.js';
import { createRecordingLogger } from '../support/fake-clock.js';
import { startGitHubFake, type GitHubFake } from '../../support/github-fake.js';

const started: GitHubFake[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

async function setup(options: { token?: string; maxRetries?: number } = {}) {
  const fake = await startGitHubFake();
  started.push(fake);
  const logger = createRecordingLogger();
  const github = createGitHubClient({
    token: options.token ?? fake.token,
    repository: 'acme/ledger',
    apiUrl: fake.apiUrl,
    logger,
    // Every wait GitHub asks for lasts a millisecond per second, so retries stay real but quick.
    retryAfterBaseMs: 1,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
  return { fake, logger, github };
}

async function failure(promise: Promise<unknown>): Promise<GitHubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GitHubError);
  return error as GitHubError;
}

const SECONDARY_LIMIT = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
/**
 * A primary limit's reset header, `seconds` from now; GitHub sends whole epoch seconds. It
 * reads the real clock only because the throttling plugin measures the reset against it:
 * this builds an input, it times nothing.
 */
const resetIn = (seconds: number) => String(Math.ceil(Date.now() / 1000) + seconds);

const statuses = (fake: GitHubFake, method: string) =>
  fake.requests.filter((request) => request.method === method).map((request) => request.status);

describe('github client: retries', () => {
  it('retries a GET that got a 502 and succeeds', async () => {
    const { fake, github } = await setup();
    await github.createIssue({ title: 'alarm', body: '', labels: ['parity-alarm'] });
    fake.failNext({ method: 'GET', path: /\/issues$/, status: 502 });
    expect(await github.listIssues({ labels: ['parity-alarm'], state: 'open' })).toHaveLength(1);
    expect(statuses(fake, 'GET')).toEqual([502, 200]);
  });

  it('retries a GET whose connection dropped', async () => {
    const { fake, github } = await setup();
    fake.failNext({ method: 'GET', path: /\/pulls$/, status: 'drop' });
    expect(await github.findOpenPullRequest('ledger/update', 'main')).toBeUndefined();
    expect(statuses(fake, 'GET')).toEqual([0, 200]);
  });

  it('retries a PATCH, which is idempotent', async () => {
    const { fake, github } = await setup();
    await github.createIssue({ title: 'alarm', body: '', labels: [] });
    fake.failNext({ method: 'PATCH', path: /\/issues\/1$/, status: 503, afterStore: true });
    expect((await github.updateIssue(1, { state: 'closed' })).state).toBe('closed');
    expect(statuses(fake, 'PATCH')).toEqual([503, 200]);
  });

  it('waits out a secondary limit for its Retry-After, and a used-up limit until x-ratelimit-reset', async () => {
    const { fake, logger, github } = await setup();
    fake.failNext({ method: 'GET', path: /\/issues$/, status: 403, message: SECONDARY_LIMIT, headers: { 'retry-after': '7' } });
    fake.failNext({
      method: 'GET',
      path: /\/issues$/,
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetIn(40) },
    });
    await github.listIssues({ labels: [], state: 'open' });
    expect(statuses(fake, 'GET')).toEqual([403, 403, 200]);
    const waits = logger.lines.filter((line) => line.includes('waiting'));
    expect(waits[0]).toMatch(/^GitHub secondary rate limit on GET \/repos\/acme\/ledger\/issues: waiting 7 s \(retry 1 of 3\)$/);
    // The plugin waits one second past the reset.
    expect(waits[1]).toMatch(/^GitHub rate limit on GET \/repos\/acme\/ledger\/issues: waiting 4[0-2] s \(retry 2 of 3\)$/);
  });

  it('gives up after maxRetries with the last status', async () => {
    const { fake, github } = await setup({ maxRetries: 2 });
    for (let i = 0; i < 3; i += 1) fake.failNext({ method: 'GET', path: /\/issues$/, status: 500 });
    const error = await failure(github.listIssues({ labels: [], state: 'open' }));
    expect(error).toMatchObject({ status: 500, uncertain: true });
    expect(statuses(fake, 'GET')).toEqual([500, 500, 500]);
  });

  it('gives up on a secondary limit after maxRetries, saying when it lifts', async () => {
    const { fake, github } = await setup({ maxRetries: 1 });
    for (let i = 0; i < 2; i += 1) {
      fake.failNext({ method: 'GET', path: /\/pulls$/, status: 429, message: SECONDARY_LIMIT, headers: { 'retry-after': '30' } });
    }
    const error = await failure(github.findOpenPullRequest('ledger/update', 'main'));
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/^GitHub rate limit reached for GET \/repos\/acme\/ledger\/pulls \(429\); it lifts at about \d{4}-/);
    expect(statuses(fake, 'GET')).toEqual([429, 429]);
  });

  it('does not wait an hour for a rate limit to reset', async () => {
    const { fake, logger, github } = await setup();
    const reset = resetIn(3600);
    fake.failNext({ method: 'GET', path: /\/issues$/, status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
    const error = await failure(github.listIssues({ labels: [], state: 'open' }));
    const lifts = new Date(Number(reset) * 1000).toISOString();
    expect(error.message).toBe(`GitHub rate limit reached for GET /repos/acme/ledger/issues (403); it lifts at about ${lifts}`);
    expect(statuses(fake, 'GET')).toEqual([403]);
    expect(logger.lines.join('\n')).toMatch(/asked to wait 360\d s; giving up/);
  });
});

describe('github client: creates are never sent twice blindly', () => {
  it('reports a create whose 502 answer came after the issue was stored as uncertain', async () => {
    const { fake, github } = await setup();
    fake.failNext({ method: 'POST', path: /\/issues$/, status: 502, afterStore: true });
    const error = await failure(github.createIssue({ title: 'alarm', body: '', labels: [] }));
    expect(error).toMatchObject({ status: 502, uncertain: true });
    expect(error.message).toMatch(/may or may not have taken effect/);
    expect(fake.issues).toHaveLength(1);
    expect(statuses(fake, 'POST')).toEqual([502]);
  });

  it('sends no create twice, whichever create it is', async () => {
    const { fake, github } = await setup();
    await github.createIssue({ title: 'alarm', body: '', labels: [] });
    fake.failNext({ method: 'POST', path: /\/comments$/, status: 500 });
    fake.failNext({ method: 'POST', path: /\/pulls$/, status: 503 });
    fake.failNext({ method: 'POST', path: /\/labels$/, status: 502 });
    await failure(github.createComment(1, 'once'));
    await failure(github.createPullRequest({ title: 't', body: '', head: 'ledger/update', base: 'main' }));
    await failure(github.ensureLabels([{ name: 'parity-alarm', color: 'd93f0b', description: '' }]));
    expect(statuses(fake, 'POST')).toEqual([201, 500, 503, 502]);
  });

  it('reports a create whose connection dropped after storing as uncertain', async () => {
    const { fake, github } = await setup();
    await github.createIssue({ title: 'alarm', body: '', labels: [] });
    fake.failNext({ method: 'POST', path: /\/comments$/, status: 'drop', afterStore: true });
    const error = await failure(github.createComment(1, 'once'));
    expect(error).toMatchObject({ status: undefined, uncertain: true });
    expect(error.message).toMatch(/^Could not reach GitHub for POST \/repos\/acme\/ledger\/issues\/1\/comments at http:\/\/127\.0\.0\.1:\d+ \(.+\); the request may or may not have taken effect$/);
    expect(fake.comments.get(1)).toHaveLength(1);
  });

  it('sends a create again after a rate-limit refusal, which GitHub never acted on', async () => {
    const { fake, logger, github } = await setup();
    fake.failNext({ method: 'POST', path: /\/pulls$/, status: 429, message: SECONDARY_LIMIT, headers: { 'retry-after': '60' } });
    await github.createPullRequest({ title: 'Ledger update', body: '', head: 'ledger/update', base: 'main' });
    expect(statuses(fake, 'POST')).toEqual([429, 201]);
    expect(fake.pulls).toHaveLength(1);
    expect(logger.lines).toContain('GitHub secondary rate limit on POST /repos/acme/ledger/pulls: waiting 60 s (retry 1 of 3)');
  });
});

describe('github client: messages', () => {
  it('names the issues permission when issue writes are not allowed', async () => {
    const { fake, github } = await setup();
    fake.denyPermission('issues');
    for (const call of [
      github.createIssue({ title: 'alarm', body: '', labels: [] }),
      github.ensureLabels([{ name: 'parity-alarm', color: 'd93f0b', description: '' }]),
    ]) {
      const error = await failure(call);
      expect(error.status).toBe(403);
      expect(error.uncertain).toBe(false);
      expect(error.message).toContain('lacks the `issues: write` permission');
      expect(error.message).toContain('add `permissions: issues: write` to the workflow');
    }
  });

  it('names the pull-requests permission when pull request writes are not allowed', async () => {
    const { fake, github } = await setup();
    fake.denyPermission('pulls');
    const error = await failure(github.createPullRequest({ title: 't', body: '', head: 'ledger/update', base: 'main' }));
    expect(error.status).toBe(403);
    expect(error.message).toContain('`pull-requests: write`');
    expect(statuses(fake, 'POST')).toEqual([403]);
  });

  it('names the contents permission for content writes', () => {
    const message = describeRefusal({
      method: 'PUT',
      path: '/repos/acme/ledger/contents/ledger.json',
      status: 403,
      body: { message: 'Resource not accessible by integration' },
      repository: 'acme/ledger',
    });
    expect(message).toContain('add `permissions: contents: write` to the workflow');
  });

  it('names the repository setting when Actions may not create pull requests', async () => {
    const { fake, github } = await setup();
    fake.disablePullRequestCreation();
    const error = await failure(github.createPullRequest({ title: 't', body: '', head: 'ledger/update', base: 'main' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('"Allow GitHub Actions to create and approve pull requests"');
    expect(error.message).toContain('Settings → Actions → General → Workflow permissions');
    expect(fake.pulls).toHaveLength(0);
  });

  it('says a refused token is invalid or expired, without showing it', async () => {
    const { fake, logger, github } = await setup({ token: 'ghp_wrongTokenValue123' });
    const error = await failure(github.listIssues({ labels: [], state: 'open' }));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/token is invalid or expired; check the github-token input/);
    expect(error.message).not.toContain('ghp_wrongTokenValue123');
    expect(logger.lines.join('\n')).not.toContain('ghp_wrongTokenValue123');
    expect(statuses(fake, 'GET')).toEqual([401]);
  });

  it('redacts the token when GitHub echoes it back', async () => {
    const { fake, logger, github } = await setup();
    fake.failNext({ method: 'POST', path: /\/issues$/, status: 400, message: `bad request from ${fake.token}` });
    const error = await failure(github.createIssue({ title: 'alarm', body: '', labels: [] }));
    expect(error.message).toContain('bad request from ***');
    expect(error.message).not.toContain(fake.token);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(fake.token);
  });

  it('passes GitHub validation details through', async () => {
    const { github } = await setup();
    await github.createPullRequest({ title: 't', body: '', head: 'ledger/update', base: 'main' });
    const error = await failure(github.createPullRequest({ title: 't', body: '', head: 'ledger/update', base: 'main' }));
    expect(error.message).toContain('422: Validation Failed; A pull request already exists for acme:ledger/update.');
  });

  it('rejects a malformed repository, API URL or empty token before any request', () => {
    const base = { token: 't', repository: 'acme/ledger', apiUrl: 'https://api.github.com' };
    expect(() => createGitHubClient({ ...base, repository: 'acme' })).toThrow(/owner\/name/);
    expect(() => createGitHubClient({ ...base, apiUrl: 'not a url' })).toThrow(/GITHUB_API_URL/);
    expect(() => createGitHubClient({ ...base, token: '' })).toThrow(/github-token/);
  });
});
