// The real GitHub client against the stateful fake: issues, comments, labels and pull
// requests end up in the fake's state as GitHub would hold them.
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { GitHubError, type LabelSpec } from '../../../src/adapters/github/port.js';
import { startGitHubFake, type GitHubFake, type GitHubFakeOptions } from '../../support/github-fake.js';

const started: GitHubFake[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

async function setup(options: GitHubFakeOptions = {}, apiUrl?: (fake: GitHubFake) => string) {
  const fake = await startGitHubFake(options);
  started.push(fake);
  const github = createGitHubClient({
    token: fake.token,
    repository: `${fake.owner}/${fake.repo}`,
    apiUrl: apiUrl?.(fake) ?? fake.apiUrl,
    retryAfterBaseMs: 1,
  });
  return { fake, github };
}

/**
 * Issues put straight into the fake, numbered from 1001 so the client's own creates do not
 * collide: listing needs many, and creating them one by one through the client is slow.
 */
function seedIssues(fake: GitHubFake, count: number, label: string): void {
  for (let i = 1; i <= count; i += 1) {
    const number = 1000 + i;
    fake.issues.push({
      id: 5000 + number, number, title: `alarm ${number}`, body: null, state: 'open', labels: [label],
      html_url: `https://github.com/acme/ledger/issues/${number}`, created_at: '2026-11-20T12:00:00Z',
    });
  }
}

const alarmLabels: LabelSpec[] = [
  { name: 'usage-ledger', color: '0e8a16', description: 'Opened by usage-ledger' },
  { name: 'parity-alarm', color: 'd93f0b', description: 'Ledger and provider disagree' },
];

describe('github client: issues', () => {
  it('creates, lists, updates and closes an issue', async () => {
    const { fake, github } = await setup();
    const created = await github.createIssue({ title: 'Parity alarm', body: 'first', labels: ['parity-alarm'] });
    expect(created).toEqual({
      number: 1,
      state: 'open',
      title: 'Parity alarm',
      body: 'first',
      labels: ['parity-alarm'],
      html_url: 'https://github.com/acme/ledger/issues/1',
    });
    expect(await github.listIssues({ labels: ['parity-alarm'], state: 'open' })).toEqual([created]);

    const updated = await github.updateIssue(1, { body: 'second', labels: ['parity-alarm', 'usage-ledger'] });
    expect(updated).toMatchObject({ body: 'second', labels: ['parity-alarm', 'usage-ledger'] });
    const closed = await github.updateIssue(1, { state: 'closed' });
    expect(closed.state).toBe('closed');
    expect(fake.issues[0]).toMatchObject({ state: 'closed', body: 'second' });

    expect(await github.listIssues({ labels: ['parity-alarm'], state: 'open' })).toEqual([]);
    expect(await github.listIssues({ labels: ['parity-alarm'], state: 'closed' })).toEqual([closed]);
    expect(await github.listIssues({ labels: [], state: 'all' })).toEqual([closed]);
  });

  it('lists only issues carrying every requested label', async () => {
    const { github } = await setup();
    const both = await github.createIssue({ title: 'both', body: '', labels: ['usage-ledger', 'parity-alarm'] });
    const one = await github.createIssue({ title: 'one', body: '', labels: ['usage-ledger'] });
    await github.createIssue({ title: 'other', body: '', labels: ['bug'] });

    const titles = async (labels: string[]) =>
      (await github.listIssues({ labels, state: 'open' })).map((issue) => issue.title).sort();
    expect(await titles(['usage-ledger', 'parity-alarm'])).toEqual([both.title]);
    expect(await titles(['usage-ledger'])).toEqual([both.title, one.title].sort());
    expect(await titles([])).toEqual(['both', 'one', 'other']);
  });

  it('follows pagination past 100 issues', async () => {
    const { fake, github } = await setup();
    seedIssues(fake, 230, 'parity-alarm');

    const issues = await github.listIssues({ labels: ['parity-alarm'], state: 'open' });
    expect(issues).toHaveLength(230);
    expect(new Set(issues.map((issue) => issue.number)).size).toBe(230);
    const pages = fake.requests.filter((request) => request.method === 'GET');
    expect(pages.map((request) => new URLSearchParams(request.query).get('page'))).toEqual([null, '2', '3']);
    expect(new URLSearchParams(pages[0]?.query).get('per_page')).toBe('100');
  });

  it('leaves pull requests out of the issue list, although GitHub lists them there', async () => {
    const { fake, github } = await setup();
    const issue = await github.createIssue({ title: 'an issue', body: '', labels: [] });
    await github.createPullRequest({ title: 'a pull request', body: '', head: 'ledger/update', base: 'main' });

    const raw = await fetch(`${fake.apiUrl}/repos/acme/ledger/issues?state=all`, {
      headers: { authorization: `token ${fake.token}` },
    });
    const listed = (await raw.json()) as Array<{ number: number; pull_request?: unknown }>;
    expect(listed.map((item) => [item.number, item.pull_request !== undefined])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(await github.listIssues({ labels: [], state: 'all' })).toEqual([issue]);
  });

  it('comments on an issue', async () => {
    const { fake, github } = await setup();
    await github.createIssue({ title: 'alarm', body: '', labels: [] });
    await github.createComment(1, 'Still out of parity.');
    expect(fake.comments.get(1)?.map((comment) => comment.body)).toEqual(['Still out of parity.']);

    const error = await github.createComment(99, 'nobody home').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(404);
  });
});

describe('github client: labels', () => {
  it('creates only the labels that are missing and leaves existing ones as they are', async () => {
    const { fake, github } = await setup();
    fake.labels.push({ id: 1, name: 'usage-ledger', color: '000000', description: 'kept as the maintainers set it' });

    await github.ensureLabels(alarmLabels);
    expect(fake.labels).toEqual([
      { id: 1, name: 'usage-ledger', color: '000000', description: 'kept as the maintainers set it' },
      expect.objectContaining({ name: 'parity-alarm', color: 'd93f0b', description: 'Ledger and provider disagree' }),
    ]);
    expect(fake.requests.filter((request) => request.method === 'POST')).toHaveLength(1);

    await github.ensureLabels(alarmLabels);
    expect(fake.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(fake.labels).toHaveLength(2);
  });

  it('accepts a label another run created between the look and the create', async () => {
    const { fake, github } = await setup();
    fake.labels.push({ id: 1, name: 'parity-alarm', color: 'd93f0b', description: null });
    // The look misses it, as if the other run created it a moment later; the create then gets 422 already_exists.
    fake.failNext({ method: 'GET', path: /\/labels\/parity-alarm$/, status: 404 });

    await github.ensureLabels([alarmLabels[1] as LabelSpec]);
    expect(fake.requests.map((request) => `${request.method} ${request.status}`)).toEqual(['GET 404', 'POST 422']);
    expect(fake.labels).toHaveLength(1);
  });

  it('encodes label names in the path', async () => {
    const { fake, github } = await setup();
    await github.ensureLabels([{ name: 'cost: 100%/day', color: 'ffffff', description: '' }]);
    await github.ensureLabels([{ name: 'cost: 100%/day', color: 'ffffff', description: '' }]);
    expect(fake.labels.map((label) => label.name)).toEqual(['cost: 100%/day']);
    expect(fake.requests.map((request) => request.status)).toEqual([404, 201, 200]);
  });
});

describe('github client: pull requests', () => {
  it('finds, creates and updates the pull request from a branch', async () => {
    const { fake, github } = await setup();
    expect(await github.findOpenPullRequest('ledger/update', 'main')).toBeUndefined();

    const created = await github.createPullRequest({ title: 'Ledger update', body: 'b', head: 'ledger/update', base: 'main' });
    expect(created).toEqual({
      number: 1,
      state: 'open',
      title: 'Ledger update',
      body: 'b',
      head: 'ledger/update',
      base: 'main',
      html_url: 'https://github.com/acme/ledger/pull/1',
    });
    expect(await github.findOpenPullRequest('ledger/update', 'main')).toEqual(created);
    expect(await github.findOpenPullRequest('ledger/update', 'release')).toBeUndefined();
    expect(await github.findOpenPullRequest('other', 'main')).toBeUndefined();
    const query = new URLSearchParams(fake.requests[0]?.query);
    expect([query.get('state'), query.get('head'), query.get('base')]).toEqual(['open', 'acme:ledger/update', 'main']);

    const updated = await github.updatePullRequest(1, { title: 'Ledger update (2 runs)', body: 'c' });
    expect(updated).toMatchObject({ number: 1, title: 'Ledger update (2 runs)', body: 'c' });
    expect(fake.pulls[0]).toMatchObject({ title: 'Ledger update (2 runs)', body: 'c' });

    fake.pulls[0]!.state = 'closed';
    expect(await github.findOpenPullRequest('ledger/update', 'main')).toBeUndefined();
  });
});

describe('github client: GitHub Enterprise Server', () => {
  it.each([['/api/v3'], ['/api/v3/']])('works under an API URL with a path (%s), pagination included', async (suffix) => {
    const { fake, github } = await setup({ pathPrefix: '/api/v3' }, (fake) => fake.apiUrl.replace(/\/api\/v3$/, suffix));
    seedIssues(fake, 100, 'parity-alarm');
    await github.createIssue({ title: 'alarm 101', body: '', labels: ['parity-alarm'] });
    await github.ensureLabels(alarmLabels);
    const pull = await github.createPullRequest({ title: 'Ledger update', body: '', head: 'ledger/update', base: 'main' });

    expect(await github.listIssues({ labels: ['parity-alarm'], state: 'open' })).toHaveLength(101);
    expect((await github.findOpenPullRequest('ledger/update', 'main'))?.number).toBe(pull.number);
    expect(fake.requests.every((request) => request.path.startsWith('/api/v3/repos/acme/ledger/'))).toBe(true);
    expect(fake.requests.every((request) => request.status < 300 || request.status === 404)).toBe(true);
  });

  it('does not answer outside its path prefix, so a client ignoring the prefix would fail', async () => {
    const { fake } = await setup({ pathPrefix: '/api/v3' });
    const github = createGitHubClient({
      token: fake.token,
      repository: 'acme/ledger',
      apiUrl: fake.apiUrl.replace('/api/v3', ''),
    });
    const error = await github.createIssue({ title: 't', body: '', labels: [] }).catch((caught: unknown) => caught);
    expect((error as GitHubError).status).toBe(404);
    expect(fake.issues).toHaveLength(0);
  });
});
