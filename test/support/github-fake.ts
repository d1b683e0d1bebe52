// A stateful loopback stand-in for the slice of the GitHub REST API that publishing uses:
// issues, comments, labels and pull requests of one repository, with GitHub's JSON shapes,
// pagination and error bodies. Tests inspect its state and inject the failures that matter
// for publishing: lost answers, missing workflow permissions, pull requests disabled.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  html_url: string;
  created_at: string;
}
export interface FakePull extends FakeIssue {
  /** Branch name without the owner. */
  head: string;
  base: string;
}
export interface FakeComment { id: number; body: string; html_url: string; created_at: string }
export interface FakeLabel { id: number; name: string; color: string; description: string | null }
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

interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
type Handler = (match: RegExpExecArray, input: { body: Record<string, unknown>; query: URLSearchParams; url: URL }) => Reply;

const DOCS = 'https://docs.github.com/rest';
const PULLS_DISABLED = 'GitHub Actions is not permitted to create or approve pull requests.';
const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Bad credentials', 403: 'Forbidden', 404: 'Not Found', 422: 'Validation Failed', 429: 'API rate limit exceeded',
};
const WRITES: Record<FakePermission, RegExp> = {
  issues: /^\/(issues|labels)(\/|$)/,
  pulls: /^\/pulls(\/|$)/,
  contents: /^\/(contents|git)(\/|$)/,
};

const fail = (status: number, message?: string, extra: object = {}): Reply => ({
  status,
  body: { message: message ?? DEFAULT_MESSAGES[status] ?? 'Server Error', ...extra, documentation_url: DOCS },
});
const invalid = (resource: string, code: string, field: string, message?: string): Reply =>
  fail(422, 'Validation Failed', { errors: [{ resource, code, field, ...(message === undefined ? {} : { message }) }] });

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

/** One page of `items` with GitHub's `Link` header (absolute URLs, as GitHub sends). */
function paginate(items: unknown[], query: URLSearchParams, url: URL): Reply {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page')) || 30));
  const page = Math.max(1, Number(query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (n: number) => {
    const link = new URL(url.href);
    link.searchParams.set('page', String(n));
    return `<${link.href}>`;
  };
  const links = [
    ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
    ...(page > 1 ? [`${at(page - 1)}; rel="prev"`, `${at(1)}; rel="first"`] : []),
  ];
  const body = items.slice((page - 1) * perPage, page * perPage);
  return { status: 200, body, ...(links.length === 0 ? {} : { headers: { link: links.join(', ') } }) };
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const token = options.token ?? 'ghs_fakeTokenForTests0123456789';
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'ledger';
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const issues: FakeIssue[] = [];
  const pulls: FakePull[] = [];
  const comments = new Map<number, FakeComment[]>();
  const labels: FakeLabel[] = [];
  const requests: FakeRequest[] = [];
  const failures: FailureSpec[] = [];
  const denied = new Set<FakePermission>();
  let pullsDisabled = false;
  let lastNumber = 0;
  let lastId = 1000;
  const web = `https://github.com/${owner}/${repo}`;
  const now = () => new Date().toISOString();

  const findLabel = (name: string) => labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
  const labelJson = (name: string) => findLabel(name) ?? { id: 0, name, color: 'ededed', description: null };
  const numbered = (n: string) => [...issues, ...pulls].find((item) => item.number === Number(n));
  const isPull = (item: FakeIssue): item is FakePull => 'head' in item;
  const issueJson = (item: FakeIssue) => ({
    id: item.id, number: item.number, state: item.state, title: item.title, body: item.body,
    labels: item.labels.map(labelJson), html_url: item.html_url, created_at: item.created_at,
    ...(isPull(item) ? { pull_request: { html_url: item.html_url } } : {}),
  });
  const pullJson = (pull: FakePull) => ({
    id: pull.id, number: pull.number, state: pull.state, title: pull.title, body: pull.body,
    html_url: pull.html_url, created_at: pull.created_at,
    head: { ref: pull.head, label: `${owner}:${pull.head}` }, base: { ref: pull.base },
  });
  /** Label names as given, or label objects; unknown labels are created, as GitHub does. */
  const labelNames = (value: unknown): string[] =>
    (Array.isArray(value) ? value : []).map((entry: unknown) => {
      const name = typeof entry === 'string' ? entry : String((entry as { name?: unknown }).name);
      const existing = findLabel(name);
      if (existing !== undefined) return existing.name;
      labels.push({ id: ++lastId, name, color: 'ededed', description: null });
      return name;
    });
  const patch = (item: FakeIssue, body: Record<string, unknown>): Reply | undefined => {
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') return invalid('Issue', 'invalid', 'state');
    if (typeof body.title === 'string') item.title = body.title;
    if (typeof body.body === 'string' || body.body === null) item.body = body.body;
    if (body.state === 'open' || body.state === 'closed') item.state = body.state;
    if (body.labels !== undefined) item.labels = labelNames(body.labels);
    return undefined;
  };

  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/issues$/, (_m, { query, url }) => {
      const state = query.get('state') ?? 'open';
      const wanted = (query.get('labels') ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
      const items = [...issues, ...pulls]
        .filter((item) => state === 'all' || item.state === state)
        .filter((item) => wanted.every((name) => item.labels.some((label) => label.toLowerCase() === name)))
        .sort((a, b) => b.number - a.number);
      return paginate(items.map(issueJson), query, url);
    }],
    ['POST', /^\/issues$/, (_m, { body }) => {
      if (typeof body.title !== 'string' || body.title === '') return invalid('Issue', 'missing_field', 'title');
      const number = ++lastNumber;
      const issue: FakeIssue = {
        id: ++lastId, number, title: body.title, body: typeof body.body === 'string' ? body.body : null, state: 'open',
        labels: labelNames(body.labels), html_url: `${web}/issues/${number}`, created_at: now(),
      };
      issues.push(issue);
      return { status: 201, body: issueJson(issue) };
    }],
    ['GET', /^\/issues\/(\d+)$/, (m) => {
      const item = numbered(m[1] as string);
      return item === undefined ? fail(404) : { status: 200, body: issueJson(item) };
    }],
    ['PATCH', /^\/issues\/(\d+)$/, (m, { body }) => {
      const item = numbered(m[1] as string);
      if (item === undefined) return fail(404);
      return patch(item, body) ?? { status: 200, body: issueJson(item) };
    }],
    ['GET', /^\/issues\/(\d+)\/comments$/, (m, { query, url }) =>
      numbered(m[1] as string) === undefined ? fail(404) : paginate(comments.get(Number(m[1])) ?? [], query, url)],
    ['POST', /^\/issues\/(\d+)\/comments$/, (m, { body }) => {
      const item = numbered(m[1] as string);
      if (item === undefined) return fail(404);
      if (typeof body.body !== 'string' || body.body === '') return invalid('IssueComment', 'missing_field', 'body');
      const id = ++lastId;
      const comment: FakeComment = { id, body: body.body, html_url: `${item.html_url}#issuecomment-${id}`, created_at: now() };
      comments.set(item.number, [...(comments.get(item.number) ?? []), comment]);
      return { status: 201, body: comment };
    }],
    ['GET', /^\/labels\/(.+)$/, (m) => {
      const label = findLabel(decodeURIComponent(m[1] as string));
      return label === undefined ? fail(404) : { status: 200, body: label };
    }],
    ['POST', /^\/labels$/, (_m, { body }) => {
      if (typeof body.name !== 'string' || body.name === '') return invalid('Label', 'missing_field', 'name');
      const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed';
      if (!/^[0-9a-f]{6}$/i.test(color)) return invalid('Label', 'invalid', 'color');
      if (findLabel(body.name) !== undefined) return invalid('Label', 'already_exists', 'name');
      const label: FakeLabel = {
        id: ++lastId, name: body.name, color, description: typeof body.description === 'string' ? body.description : null,
      };
      labels.push(label);
      return { status: 201, body: label };
    }],
    ['GET', /^\/pulls$/, (_m, { query, url }) => {
      const state = query.get('state') ?? 'open';
      const [headOwner, headBranch] = (query.get('head') ?? '').split(':');
      const base = query.get('base');
      const items = pulls
        .filter((pull) => state === 'all' || pull.state === state)
        .filter((pull) => headBranch === undefined || (headOwner?.toLowerCase() === owner.toLowerCase() && pull.head === headBranch))
        .filter((pull) => base === null || pull.base === base)
        .sort((a, b) => b.number - a.number);
      return paginate(items.map(pullJson), query, url);
    }],
    ['POST', /^\/pulls$/, (_m, { body }) => {
      if (pullsDisabled) return fail(422, PULLS_DISABLED);
      for (const field of ['title', 'head', 'base']) {
        if (typeof body[field] !== 'string' || body[field] === '') return invalid('PullRequest', 'missing_field', field);
      }
      const head = (body.head as string).replace(/^[^:]+:/, '');
      const base = body.base as string;
      if (pulls.some((pull) => pull.state === 'open' && pull.head === head && pull.base === base)) {
        return invalid('PullRequest', 'custom', 'head', `A pull request already exists for ${owner}:${head}.`);
      }
      const number = ++lastNumber;
      const pull: FakePull = {
        id: ++lastId, number, title: body.title as string, body: typeof body.body === 'string' ? body.body : null,
        state: 'open', labels: [], head, base, html_url: `${web}/pull/${number}`, created_at: now(),
      };
      pulls.push(pull);
      return { status: 201, body: pullJson(pull) };
    }],
    ['GET', /^\/pulls\/(\d+)$/, (m) => {
      const pull = pulls.find((item) => item.number === Number(m[1]));
      return pull === undefined ? fail(404) : { status: 200, body: pullJson(pull) };
    }],
    ['PATCH', /^\/pulls\/(\d+)$/, (m, { body }) => {
      const pull = pulls.find((item) => item.number === Number(m[1]));
      if (pull === undefined) return fail(404);
      if (typeof body.base === 'string') pull.base = body.base;
      return patch(pull, body) ?? { status: 200, body: pullJson(pull) };
    }],
  ];

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
    let reply = fail(404);
    for (const [routeMethod, pattern, handler] of routes) {
      const match = pattern.exec(rest);
      if (match !== null && routeMethod === method) {
        reply = handler(match, { body, query: url.searchParams, url });
        break;
      }
    }
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
    token, owner, repo, issues, pulls, comments, labels, requests,
    failNext: (spec) => void failures.push(spec),
    denyPermission: (permission) => void denied.add(permission),
    disablePullRequestCreation: () => void (pullsDisabled = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
