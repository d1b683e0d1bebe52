import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitPaths } from '../../../src/adapters/git/commit.js';
import { createGit } from '../../../src/adapters/git/git.js';
import { BOT, createRepoWithRemote, gitIn, isolateGitConfigForFile, logOf, type RepoWithRemote, tryGitIn, writeFileIn } from '../../helpers/git-repos.js';

const isolation = isolateGitConfigForFile();

let repo: RepoWithRemote;
beforeEach(async () => {
  repo = await createRepoWithRemote();
});
afterEach(() => repo.cleanup());

/** Files changed by a commit, as `<status>\t<path>` lines. */
async function changesIn(dir: string, ref: string): Promise<string[]> {
  return (await gitIn(dir, ['show', '--name-status', '--format=', '--no-renames', ref])).split('\n').filter(Boolean);
}

/** `git status --porcelain` lines, sorted so that tracked/untracked grouping does not matter. */
const status = async (dir: string) =>
  (await gitIn(dir, ['status', '--porcelain=v1', '--untracked-files=all'])).split('\n').filter(Boolean).sort();

const commitLocally = (paths: string[], message = 'ledger: snapshot') =>
  commitPaths(createGit(repo.work), { paths, message, identity: BOT, push: false });

describe('commitPaths', () => {
  it('commits exactly the given paths and leaves the user’s other changes as they were', async () => {
    await writeFileIn(repo.work, 'notes.txt', 'v1\n');
    await gitIn(repo.work, ['add', 'notes.txt']);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'add notes']);
    // The user's own work in progress: a staged change, an unstaged one, an untracked file.
    await writeFileIn(repo.work, 'notes.txt', 'v2 staged\n');
    await gitIn(repo.work, ['add', 'notes.txt']);
    await writeFileIn(repo.work, 'README.md', 'edited, not staged\n');
    await writeFileIn(repo.work, 'scratch.txt', 'untracked\n');
    // What the run wrote.
    await writeFileIn(repo.work, 'audit/2024/01/a.json', '{"a":1}\n');
    await writeFileIn(repo.work, 'audit/b.json', '{"b":2}\n');
    await writeFileIn(repo.work, 'audit/not-ours.json', 'written by someone else\n');

    const result = await commitLocally(['audit/2024/01/a.json', 'audit/b.json'], 'ledger: snapshot 2024-01-01');

    expect(result).toEqual({ committed: true, sha: await gitIn(repo.work, ['rev-parse', 'HEAD']), pushed: false, pushAttempts: 0 });
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: snapshot 2024-01-01', 'add notes', 'initial commit']);
    expect(await changesIn(repo.work, 'HEAD')).toEqual(['A\taudit/2024/01/a.json', 'A\taudit/b.json']);
    expect(await status(repo.work)).toEqual([' M README.md', '?? audit/not-ours.json', '?? scratch.txt', 'M  notes.txt']);
    expect(await gitIn(repo.work, ['show', ':notes.txt'])).toBe('v2 staged');
    expect(await gitIn(repo.work, ['show', 'HEAD:notes.txt'])).toBe('v1');
  });

  it('commits a directory’s changes, taking glob characters in names literally', async () => {
    await writeFileIn(repo.work, 'audit/a*.json', 'star\n');
    await writeFileIn(repo.work, 'audit/ab.json', 'not matched by a literal a*.json\n');
    await writeFileIn(repo.work, 'reports/x.json', '{}\n');
    await writeFileIn(repo.work, 'reports/sub/y.json', '{}\n');

    await commitLocally(['audit/a*.json', 'reports']);

    expect(await changesIn(repo.work, 'HEAD')).toEqual(['A\taudit/a*.json', 'A\treports/sub/y.json', 'A\treports/x.json']);
    expect(await status(repo.work)).toEqual(['?? audit/ab.json']);
  });

  it('makes no commit when nothing changed in the given paths', async () => {
    await writeFileIn(repo.work, 'audit/a.json', '{"a":1}\n');
    expect((await commitLocally(['audit/a.json'])).committed).toBe(true);
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);
    await writeFileIn(repo.work, 'README.md', 'unrelated change\n');
    // A change staged and then undone in the work tree: status reports it, yet the run
    // wrote exactly what is committed already.
    await writeFileIn(repo.work, 'audit/a.json', '{"a":2}\n');
    await gitIn(repo.work, ['add', 'audit/a.json']);
    await writeFileIn(repo.work, 'audit/a.json', '{"a":1}\n');
    expect(await status(repo.work)).toEqual([' M README.md', 'MM audit/a.json']);

    const result = await commitLocally(['audit/a.json', 'audit/never-existed.json']);

    expect(result).toEqual({ committed: false, sha: null, pushed: false, pushAttempts: 0 });
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await status(repo.work)).toEqual([' M README.md']);
  });

  it('commits deleted paths as deletions, whether or not the deletion was staged', async () => {
    await writeFileIn(repo.work, 'audit/old.json', 'old\n');
    await writeFileIn(repo.work, 'audit/staged-gone.json', 'old\n');
    await writeFileIn(repo.work, 'audit/keep.json', 'keep\n');
    await gitIn(repo.work, ['add', 'audit']);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'earlier snapshot']);
    await rm(join(repo.work, 'audit/old.json'));
    await gitIn(repo.work, ['rm', '--quiet', 'audit/staged-gone.json']);
    await writeFileIn(repo.work, 'audit/new.json', 'new\n');

    const result = await commitLocally(['audit/old.json', 'audit/staged-gone.json', 'audit/new.json']);

    expect(result.committed).toBe(true);
    expect(await changesIn(repo.work, 'HEAD')).toEqual(['A\taudit/new.json', 'D\taudit/old.json', 'D\taudit/staged-gone.json']);
    expect(await gitIn(repo.work, ['ls-tree', '-r', '--name-only', 'HEAD', 'audit'])).toBe('audit/keep.json\naudit/new.json');
    expect(await status(repo.work)).toEqual([]);
  });

  it('accepts absolute paths and paths relative to the root when git runs in a subdirectory', async () => {
    await writeFileIn(repo.work, 'audit/x.json', 'x\n');
    await writeFileIn(repo.work, 'audit/y.json', 'y\n');
    const git = createGit(join(repo.work, 'audit'));

    await commitPaths(git, { paths: [join(repo.work, 'audit/x.json'), 'audit/y.json'], message: 'm', identity: BOT, push: false });

    expect(await changesIn(repo.work, 'HEAD')).toEqual(['A\taudit/x.json', 'A\taudit/y.json']);
  });

  it('refuses paths outside the repository and the repository root itself', async () => {
    const git = createGit(repo.work);
    const attempt = (path: string) => commitPaths(git, { paths: [path], message: 'm', identity: BOT, push: false });
    await expect(attempt('../elsewhere.json')).rejects.toThrow(/not a file or directory inside the repository/);
    await expect(attempt(join(dirname(repo.work), 'x.json'))).rejects.toThrow(/inside the repository/);
    await expect(attempt('.')).rejects.toThrow(/inside the repository/);
    await expect(attempt(repo.work)).rejects.toThrow(/inside the repository/);
  });

  it('does not commit ignored files, and says so', async () => {
    await writeFileIn(repo.work, '.gitignore', 'audit/\n');
    await gitIn(repo.work, ['add', '.gitignore']);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'ignore audit']);
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');
    const warnings: string[] = [];
    const logger = { info: () => {}, debug: () => {}, warning: (m: string) => warnings.push(m), group: <T>(_: string, body: () => Promise<T>) => body() };

    const result = await commitPaths(createGit(repo.work), { paths: ['audit/a.json'], message: 'm', identity: BOT, push: false, logger });

    expect(result.committed).toBe(false);
    // git names the ignored directory when the whole directory is ignored.
    expect(warnings.join('\n')).toMatch(/gitignore: audit\//);
  });

  it('attributes the commit to the given identity, touching no git config', async () => {
    const globalBefore = await readFile(isolation.path, 'utf8');
    const localBefore = await readFile(join(repo.work, '.git', 'config'), 'utf8');
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');
    // An inherited identity in the environment must not win over the one passed in either.
    process.env.GIT_AUTHOR_NAME = 'Inherited Author';
    process.env.GIT_COMMITTER_EMAIL = 'inherited@example.invalid';
    try {
      await commitLocally(['audit/a.json']);
    } finally {
      delete process.env.GIT_AUTHOR_NAME;
      delete process.env.GIT_COMMITTER_EMAIL;
    }

    expect(await gitIn(repo.work, ['log', '-1', '--format=%an <%ae>'])).toBe(`${BOT.name} <${BOT.email}>`);
    expect(await gitIn(repo.work, ['log', '-1', '--format=%cn <%ce>'])).toBe(`${BOT.name} <${BOT.email}>`);
    expect(await readFile(isolation.path, 'utf8')).toBe(globalBefore);
    expect(await readFile(join(repo.work, '.git', 'config'), 'utf8')).toBe(localBefore);
    expect((await tryGitIn(repo.work, ['config', '--local', '--get', 'user.name'])).exitCode).toBe(1);
  });

  it('rejects an empty identity or message before touching the repository, and commits nothing for no paths', async () => {
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');
    const git = createGit(repo.work);
    const base = { paths: ['audit/a.json'], message: 'm', identity: BOT, push: false };
    await expect(commitPaths(git, { ...base, identity: { name: ' ', email: BOT.email } })).rejects.toThrow(/identity/);
    await expect(commitPaths(git, { ...base, message: '  ' })).rejects.toThrow(/message/);
    await expect(commitPaths(git, { ...base, paths: [] })).resolves.toMatchObject({ committed: false, sha: null, pushed: false });
    expect(await logOf(repo.work, 'HEAD')).toEqual(['initial commit']);
  });
});
