// A stateful loopback stand-in for the slice of the GitHub REST API that publishing uses:
// issues, comments, labels and pull requests of one repository, with GitHub's JSON shapes,
// pagination and error bodies. Tests inspect its state and inject the failures that matter
// for publishing: lost answers, missing workflow permissions, pull requests disabled.
// This file is the HTTP side (token, path prefix, permissions, injected failures, request
// log); the stored repository and its routes are in github-fake-repository.ts.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeRepository, fail, type FakeComment, type FakeIssue, type FakeLabel, type FakePull, type Reply } from './github-fake-repository.js';

export type { FakeComment, FakeIssue, FakeLabel, FakePull } from './github-fake-repository.js';

/** `path` is the URL path as received (an API path prefix included), `query` its search string. */
export interface FakeRequest { method: string; path: string; query: string; status: number }
export interface FailureSpec {
  method: string;
  /** Tested against the URL path as received, without the query. */
  path: RegExp;
  /** An HTTP status, or 'drop' to close the connection without answering. */
  status: number | 'drop';
  /** Apply the request (store the issue...) first, then answer with the failure: a lost answer. */
  afterStore?: boolean;
  message?: string;
  headers?: Record<string, string>;
}
export type FakePermission = 'issues' | 'pulls' | 'contents';

export interface GitHubFake {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  /** Issues only; pull requests share their number sequence but live in `pulls`. */
  issues: FakeIssue[];
  pulls: FakePull[];
  comments: Map<number, FakeComment[]>;
  labels: FakeLabel[];
  requests: FakeRequest[];
  failNext(spec: FailureSpec): void;
  denyPermission(permission: FakePermission): void;
  disablePullRequestCreation(): void;
  close(): Promise<void>;
}

export interface GitHubFakeOptions {
  token?: string;
  owner?: string;
  repo?: string;
  /** Serve under a path, as GitHub Enterprise Server serves the API under /api/v3. */
  pathPrefix?: string;
}

const WRITES: Record<FakePermission, RegExp> = {
  issues: /^\/(issues|labels)(\/|$)/,
  pulls: /^\/pulls(\/|$)/,
  contents: /^\/(contents|git)(\/|$)/,
};

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const token = options.token ?? 'ghs_fakeTokenForTests0123456789';
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'ledger';
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const stored = createFakeRepository(owner, repo);
  const requests: FakeRequest[] = [];
  const failures: FailureSpec[] = [];
  const denied = new Set<FakePermission>();

  async function answer(req: IncomingMessage, url: URL): Promise<Reply | 'drop'> {
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (auth?.[1] !== token) return fail(401);
    const index = failures.findIndex((spec) => spec.method.toUpperCase() === method && spec.path.test(url.pathname));
    const failure = index === -1 ? undefined : failures.splice(index, 1)[0];
    const injected = (spec: FailureSpec): Reply | 'drop' =>
      spec.status === 'drop' ? 'drop' : { ...fail(spec.status, spec.message), ...(spec.headers ? { headers: spec.headers } : {}) };
    if (failure !== undefined && failure.afterStore !== true) return injected(failure);

    const repoPath = `${prefix}/repos/${owner}/${repo}`.toLowerCase();
    const lower = url.pathname.toLowerCase();
    if (!lower.startsWith(`${repoPath}/`)) return fail(404);
    const rest = url.pathname.slice(repoPath.length);
    const scope = (Object.keys(WRITES) as FakePermission[]).find((name) => WRITES[name].test(rest));
    if (method !== 'GET' && scope !== undefined && denied.has(scope)) {
      return fail(403, 'Resource not accessible by integration');
    }
    if (body === undefined) return fail(400, 'Problems parsing JSON');
    const reply = stored.route(method, rest, { body, query: url.searchParams, url });
    return failure === undefined ? reply : injected(failure);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    answer(req, url)
      .catch((error: unknown) => fail(500, String(error)))
      .then((reply) => {
        const record = { method: req.method ?? 'GET', path: url.pathname, query: url.search };
        if (reply === 'drop') {
          requests.push({ ...record, status: 0 });
          req.socket.destroy();
          return;
        }
        requests.push({ ...record, status: reply.status });
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}${prefix}`,
    token, owner, repo, requests,
    issues: stored.issues, pulls: stored.pulls, comments: stored.comments, labels: stored.labels,
    failNext: (spec) => void failures.push(spec),
    denyPermission: (permission) => void denied.add(permission),
    disablePullRequestCreation: stored.disablePullRequestCreation,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
