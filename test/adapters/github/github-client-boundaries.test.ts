// Where the GitHub client stops: an attempt that gets no answer in time, and a pagination
// link that points away from the API URL, which would carry the token elsewhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { GitHubError } from '../../../src/adapters/github/port.js';
import { startGitHubFake, type GitHubFake } from '../../support/github-fake.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server that takes every request and never answers, counting what it was sent. */
async function startSilentServer(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer((req) => void requests.push(`${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function startFake(): Promise<GitHubFake> {
  const fake = await startGitHubFake();
  closers.push(() => fake.close());
  return fake;
}

describe('github client: boundaries', () => {
  it('gives up on an attempt that gets no answer within the timeout, and tries a read again', async () => {
    const silent = await startSilentServer();
    const github = createGitHubClient({ token: 'ghs_silentServerToken01', repository: 'acme/ledger', apiUrl: silent.url, timeoutMs: 100, maxRetries: 1, retryAfterBaseMs: 1 });

    const read = await github.findOpenPullRequest('ledger/update', 'main').catch((caught: unknown) => caught);
    expect(read).toBeInstanceOf(GitHubError);
    expect(read).toMatchObject({ status: undefined, uncertain: true });
    expect((read as GitHubError).message).toMatch(/^Could not reach GitHub for GET \/repos\/acme\/ledger\/pulls at http:\/\/127\.0\.0\.1:\d+ \(.*timeout.*\)/i);
    expect(silent.requests.filter((request) => request.startsWith('GET '))).toHaveLength(2);

    const create = await github.createIssue({ title: 'alarm', body: '', labels: [] }).catch((caught: unknown) => caught);
    expect(create).toMatchObject({ uncertain: true });
    expect(silent.requests.filter((request) => request.startsWith('POST '))).toHaveLength(1);
  });

  it('does not follow a pagination link away from the API URL', async () => {
    const fake = await startFake();
    const elsewhere = fake.apiUrl.replace(/:\d+$/, ':9');
    fake.failNext({ method: 'GET', path: /\/issues$/, status: 200, headers: { link: `<${elsewhere}/repos/acme/ledger/issues?page=2>; rel="next"` } });
    const github = createGitHubClient({ token: fake.token, repository: 'acme/ledger', apiUrl: fake.apiUrl });

    const error = await github.listIssues({ labels: [], state: 'open' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).message).toBe(`GitHub sent a link outside ${fake.apiUrl}; not following it`);
    expect(fake.requests.map((request) => request.status)).toEqual([200]);
  });
});
