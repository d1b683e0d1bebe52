import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGit, GitError, redactCredentials } from '../../../src/adapters/git/git.js';
import { createRepoWithRemote, gitIn, isolateGitConfigForFile, type RepoWithRemote } from '../../helpers/git-repos.js';

isolateGitConfigForFile();

let repo: RepoWithRemote;
beforeEach(async () => {
  repo = await createRepoWithRemote();
});
afterEach(() => repo.cleanup());

describe('redactCredentials', () => {
  it('hides user info in URLs and authorization header values', () => {
    expect(redactCredentials('fatal: unable to access https://x-access-token:ghs_abc123@github.com/o/r.git/')).toBe(
      'fatal: unable to access https://***@github.com/o/r.git/',
    );
    expect(redactCredentials('http.extraheader=AUTHORIZATION: basic eC1hY2Nlc3M=')).toBe(
      'http.extraheader=AUTHORIZATION: basic ***',
    );
    expect(redactCredentials('https://github.com/o/r.git and git@github.com:o/r.git')).toBe(
      'https://github.com/o/r.git and git@github.com:o/r.git',
    );
  });

  it('hides a token a hook or a remote echoes in its own words, whole or in part', () => {
    const said = redactCredentials('remote: token ghp_R8xKq2ZtLm4Wn7Vb9Cd1Ef3Gh5Jk6Pq0Rs2T is not allowed; see github_pat_11AB…9xYz');
    expect(said).not.toMatch(/R8xKq2|Rs2T|9xYz/);
    expect(said).toContain('remote: token ghp_');
  });
});

describe('createGit', () => {
  it('runs git and reports exit code and output', async () => {
    const git = createGit(repo.work);
    const result = await git.exec(['log', '-1', '--format=%s']);
    expect(result).toEqual({ exitCode: 0, stdout: 'initial commit\n', stderr: '' });
    const failed = await git.exec(['rev-parse', '--verify', '--quiet', 'no-such-ref'], { allowFailure: true });
    expect(failed.exitCode).toBe(1);
  });

  it('passes per-command environment', async () => {
    const git = createGit(repo.work);
    const result = await git.exec(['var', 'GIT_AUTHOR_IDENT'], { env: { GIT_AUTHOR_NAME: 'Env Person', GIT_AUTHOR_EMAIL: 'env@example.invalid' } });
    expect(result.stdout).toMatch(/^Env Person <env@example\.invalid> /);
  });

  it('throws a GitError carrying args and stderr, with credentials redacted', async () => {
    const git = createGit(repo.work);
    const url = 'https://someone:hunter2-token@127.0.0.1:1/nothing.git';
    const error = await git.exec(['ls-remote', url]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitError);
    const gitError = error as GitError;
    expect(gitError.exitCode).not.toBe(0);
    expect(gitError.args).toEqual(['ls-remote', 'https://***@127.0.0.1:1/nothing.git']);
    expect(gitError.stderr).not.toBe('');
    expect(`${gitError.message}\n${gitError.stderr}\n${gitError.args.join(' ')}`).not.toContain('hunter2');
  });

  it('reports repository root, branch, upstream and HEAD, also from a subdirectory', async () => {
    await mkdir(join(repo.work, 'deep', 'er'), { recursive: true });
    const git = createGit(join(repo.work, 'deep', 'er'));
    expect(await git.repoRoot()).toBe(repo.work);
    expect(await git.currentBranch()).toBe('main');
    expect(await git.upstream()).toEqual({ remote: 'origin', mergeRef: 'refs/heads/main', name: 'origin/main' });
    expect(await git.headSha()).toBe(await gitIn(repo.work, ['rev-parse', 'HEAD']));

    await gitIn(repo.work, ['switch', '--quiet', '-c', 'local-only']);
    expect(await git.currentBranch()).toBe('local-only');
    expect(await git.upstream()).toBeNull();

    await gitIn(repo.work, ['switch', '--quiet', '--detach', 'HEAD']);
    expect(await git.currentBranch()).toBeNull();
    expect(await git.upstream()).toBeNull();
  });

  it('reports no HEAD on a branch without commits', async () => {
    await gitIn(repo.work, ['switch', '--quiet', '--orphan', 'empty']);
    expect(await createGit(repo.work).headSha()).toBeNull();
  });

  it('gives the status of only the asked paths, unquoted, globs taken literally', async () => {
    await mkdir(join(repo.work, 'audit'), { recursive: true });
    await writeFile(join(repo.work, 'audit', 'résumé 1.json'), '{}\n');
    await writeFile(join(repo.work, 'audit', 'a*.json'), '{}\n');
    await writeFile(join(repo.work, 'audit', 'ab.json'), '{}\n');
    await writeFile(join(repo.work, 'README.md'), 'changed\n');
    await writeFile(join(repo.work, '.gitignore'), 'audit/*.tmp\n');
    await writeFile(join(repo.work, 'audit', 'x.tmp'), 'scratch\n');
    const git = createGit(join(repo.work, 'audit'));

    const status = await git.statusOf(['audit/résumé 1.json', 'audit/a*.json', 'audit/x.tmp']);
    expect(status).toEqual([
      { index: '?', worktree: '?', path: 'audit/a*.json' },
      { index: '?', worktree: '?', path: 'audit/résumé 1.json' },
      { index: '!', worktree: '!', path: 'audit/x.tmp' },
    ]);
    expect(await git.statusOf(['README.md'])).toEqual([{ index: ' ', worktree: 'M', path: 'README.md' }]);
    expect(await git.statusOf([])).toEqual([]);
  });
});
