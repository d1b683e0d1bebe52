import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitPaths, type CommitPathsOptions } from '../../../src/adapters/git/commit.js';
import { PushFailedError } from '../../../src/adapters/git/git-push.js';
import { RebaseConflictError } from '../../../src/adapters/git/git-rebase.js';
import { createGit } from '../../../src/adapters/git/git.js';
import { BOT, createRepoWithRemote, gitIn, isolateGitConfigForFile, logOf, type RepoWithRemote, writeFileIn } from '../../helpers/git-repos.js';

isolateGitConfigForFile();

let repo: RepoWithRemote;
beforeEach(async () => {
  repo = await createRepoWithRemote();
});
afterEach(() => repo.cleanup());

const publish = (overrides: Partial<CommitPathsOptions> = {}) =>
  commitPaths(createGit(repo.work), { paths: ['audit'], message: 'ledger: snapshot', identity: BOT, push: true, ...overrides });

/** Another publisher gets its commit onto the remote first. */
async function remoteMovesFirst(path: string, content: string): Promise<string> {
  const other = await repo.cloneAnother();
  await writeFileIn(other, path, content);
  await gitIn(other, ['add', path]);
  await gitIn(other, ['commit', '--quiet', '-m', 'ledger: other publisher']);
  await gitIn(other, ['push', '--quiet', 'origin', 'main']);
  return gitIn(other, ['rev-parse', 'HEAD']);
}

const sha = (dir: string, ref: string) => gitIn(dir, ['rev-parse', ref]);
const status = async (dir: string) =>
  (await gitIn(dir, ['status', '--porcelain=v1', '--untracked-files=all'])).split('\n').filter(Boolean).sort();

/** A pre-receive hook that counts the pushes reaching the remote and refuses them all. */
async function rejectEveryPush(): Promise<string> {
  const counter = join(repo.bare, 'push-attempts.log');
  const hook = join(repo.bare, 'hooks', 'pre-receive');
  await writeFile(hook, `#!/bin/sh\necho attempt >> "${counter}"\necho "rejected by ledger policy" >&2\nexit 1\n`);
  await chmod(hook, 0o755);
  return counter;
}

describe('commitPaths pushing', () => {
  it('pushes the commit to the upstream branch', async () => {
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    const result = await publish();

    const head = await sha(repo.work, 'HEAD');
    expect(result).toEqual({ committed: true, sha: head, pushed: true, pushAttempts: 1 });
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(head);
  });

  it('does not push when not asked to', async () => {
    const before = await sha(repo.bare, 'refs/heads/main');
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    const result = await publish({ push: false });

    expect(result).toMatchObject({ committed: true, pushed: false, pushAttempts: 0 });
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(before);
  });

  it('when the remote moved: fetches, rebases and pushes again, keeping the user’s changes', async () => {
    const theirs = await remoteMovesFirst('audit/other.json', 'theirs\n');
    // The user's uncommitted work must survive the rebase exactly, staged stays staged.
    await writeFileIn(repo.work, 'README.md', 'staged by the user\n');
    await gitIn(repo.work, ['add', 'README.md']);
    await writeFileIn(repo.work, 'README.md', 'and then edited again\n');
    await writeFileIn(repo.work, 'scratch.txt', 'untracked\n');
    await writeFileIn(repo.work, 'audit/mine.json', 'mine\n');

    const result = await publish({ paths: ['audit/mine.json'] });

    const head = await sha(repo.work, 'HEAD');
    expect(result).toEqual({ committed: true, sha: head, pushed: true, pushAttempts: 2 });
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(head);
    expect(await logOf(repo.bare, 'main')).toEqual(['ledger: snapshot', 'ledger: other publisher', 'initial commit']);
    expect(await sha(repo.work, 'HEAD~1')).toBe(theirs);
    expect(await gitIn(repo.work, ['log', '-1', '--format=%an <%ae> / %cn <%ce>'])).toBe(
      `${BOT.name} <${BOT.email}> / ${BOT.name} <${BOT.email}>`,
    );
    expect(await status(repo.work)).toEqual(['?? scratch.txt', 'MM README.md']);
    expect(await gitIn(repo.work, ['show', ':README.md'])).toBe('staged by the user');
    expect(await readFile(join(repo.work, 'README.md'), 'utf8')).toBe('and then edited again\n');
    expect(await gitIn(repo.work, ['stash', 'list'])).toBe('');
  });

  it('gives up with PushFailedError after maxPushAttempts when the remote refuses every push', async () => {
    const counter = await rejectEveryPush();
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    const error = await publish().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PushFailedError);
    expect((error as PushFailedError).attempts).toBe(3);
    expect((error as PushFailedError).message).toMatch(/push to origin\/main failed after 3 attempts: .*rejected by ledger policy/);
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
    // The commit stays local, ready for a later push.
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: snapshot', 'initial commit']);
    expect(await logOf(repo.bare, 'main')).toEqual(['initial commit']);
  });

  it('honours maxPushAttempts', async () => {
    const counter = await rejectEveryPush();
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    await expect(publish({ maxPushAttempts: 1 })).rejects.toThrow(/failed after 1 attempt:/);
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    await writeFileIn(repo.work, 'audit/b.json', '{}\n');
    await expect(publish({ maxPushAttempts: 0 })).rejects.toThrow(/maxPushAttempts must be a positive integer/);
  });

  it('gives up when the remote cannot be reached, without revealing credentials', async () => {
    await gitIn(repo.work, ['remote', 'set-url', 'origin', 'https://ledger-bot:s3cr3t-token@127.0.0.1:1/ledger.git']);
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');
    const warnings: string[] = [];
    const logger = { info: () => {}, debug: (m: string) => warnings.push(m), warning: (m: string) => warnings.push(m), group: <T>(_: string, body: () => Promise<T>) => body() };

    const error = await publish({ logger }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PushFailedError);
    expect((error as PushFailedError).attempts).toBe(3);
    expect((error as PushFailedError).message).toMatch(/127\.0\.0\.1/);
    expect(`${(error as Error).message}\n${warnings.join('\n')}`).not.toContain('s3cr3t');
    expect(warnings.some((line) => line.includes('could not fetch'))).toBe(true);
  });

  it('aborts a conflicting rebase, leaving the local commit and a clean repository', async () => {
    await writeFileIn(repo.work, 'audit/a.json', 'base\n');
    await publish();
    const theirs = await remoteMovesFirst('audit/a.json', 'theirs\n');
    await writeFileIn(repo.work, 'audit/a.json', 'mine\n');

    const error = await publish({ message: 'ledger: conflicting snapshot' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RebaseConflictError);
    expect((error as RebaseConflictError).conflicts).toEqual(['audit/a.json']);
    const head = await sha(repo.work, 'HEAD');
    expect((error as RebaseConflictError).localSha).toBe(head);
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: conflicting snapshot', 'ledger: snapshot', 'initial commit']);
    expect(await readFile(join(repo.work, 'audit/a.json'), 'utf8')).toBe('mine\n');
    expect(await gitIn(repo.work, ['symbolic-ref', '--short', 'HEAD'])).toBe('main');
    expect(existsSync(join(repo.work, '.git', 'rebase-merge'))).toBe(false);
    expect(existsSync(join(repo.work, '.git', 'rebase-apply'))).toBe(false);
    expect(await status(repo.work)).toEqual([]);
    expect(await sha(repo.bare, 'refs/heads/main')).toBe(theirs);
  });

  it('restores the user’s staged changes after an aborted rebase', async () => {
    await writeFileIn(repo.work, 'audit/a.json', 'base\n');
    await publish();
    await remoteMovesFirst('audit/a.json', 'theirs\n');
    await writeFileIn(repo.work, 'README.md', 'staged by the user\n');
    await gitIn(repo.work, ['add', 'README.md']);
    await writeFileIn(repo.work, 'audit/a.json', 'mine\n');

    await expect(publish()).rejects.toBeInstanceOf(RebaseConflictError);

    expect(await status(repo.work)).toEqual(['M  README.md']);
    expect(await gitIn(repo.work, ['stash', 'list'])).toBe('');
  });

  it('commits but does not push when the branch has no upstream', async () => {
    await gitIn(repo.work, ['switch', '--quiet', '-c', 'local-only']);
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    const result = await publish();

    expect(result).toEqual({ committed: true, sha: await sha(repo.work, 'HEAD'), pushed: false, pushAttempts: 0 });
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: snapshot', 'initial commit']);
    expect(await gitIn(repo.bare, ['branch', '--list'])).toBe('* main');
    expect(await logOf(repo.bare, 'main')).toEqual(['initial commit']);
  });

  it('commits but does not push on a detached HEAD', async () => {
    await gitIn(repo.work, ['switch', '--quiet', '--detach', 'HEAD']);
    await writeFileIn(repo.work, 'audit/a.json', '{}\n');

    const result = await publish();

    expect(result).toEqual({ committed: true, sha: await sha(repo.work, 'HEAD'), pushed: false, pushAttempts: 0 });
    expect(await logOf(repo.work, 'HEAD')).toEqual(['ledger: snapshot', 'initial commit']);
    expect(await logOf(repo.bare, 'main')).toEqual(['initial commit']);
  });

  it('pushes nothing when nothing was committed', async () => {
    const counter = await rejectEveryPush();
    const result = await publish();
    expect(result).toEqual({ committed: false, sha: null, pushed: false, pushAttempts: 0 });
    expect(existsSync(counter)).toBe(false);
  });
});
