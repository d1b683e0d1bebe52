// The stored side of the GitHub fake: one repository's issues, comments, labels and pull
// requests, and the REST routes that read and change them, with GitHub's JSON shapes,
// pagination and error bodies. github-fake.ts serves it over loopback HTTP.

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
export interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
export interface RouteInput { body: Record<string, unknown>; query: URLSearchParams; url: URL }
type Handler = (match: RegExpExecArray, input: RouteInput) => Reply;

export interface FakeRepository {
  /** Issues only; pull requests share their number sequence but live in `pulls`. */
  issues: FakeIssue[];
  pulls: FakePull[];
  comments: Map<number, FakeComment[]>;
  labels: FakeLabel[];
  disablePullRequestCreation(): void;
  /** Answers one call to a path under the repository, e.g. `/issues/3`; 404 for an unknown route. */
  route(method: string, rest: string, input: RouteInput): Reply;
}

const DOCS = 'https://docs.github.com/rest';
const PULLS_DISABLED = 'GitHub Actions is not permitted to create or approve pull requests.';
const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Bad credentials', 403: 'Forbidden', 404: 'Not Found', 422: 'Validation Failed', 429: 'API rate limit exceeded',
};

/** GitHub's error body for `status`, with its default message unless one is given. */
export const fail = (status: number, message?: string, extra: object = {}): Reply => ({
  status,
  body: { message: message ?? DEFAULT_MESSAGES[status] ?? 'Server Error', ...extra, documentation_url: DOCS },
});
const invalid = (resource: string, code: string, field: string, message?: string): Reply =>
  fail(422, 'Validation Failed', { errors: [{ resource, code, field, ...(message === undefined ? {} : { message }) }] });

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

export function createFakeRepository(owner: string, repo: string): FakeRepository {
  const issues: FakeIssue[] = [];
  const pulls: FakePull[] = [];
  const comments = new Map<number, FakeComment[]>();
  const labels: FakeLabel[] = [];
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

  return {
    issues, pulls, comments, labels,
    disablePullRequestCreation: () => void (pullsDisabled = true),
    route(method, rest, input) {
      for (const [routeMethod, pattern, handler] of routes) {
        const match = pattern.exec(rest);
        if (match !== null && routeMethod === method) return handler(match, input);
      }
      return fail(404);
    },
  };
}
