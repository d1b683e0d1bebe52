// Real git repositories for tests: a temporary bare "remote" and working clones of it.
// Identity and dates are fixed per command (flags and environment), never through the
// user's global config, and nothing leaves the machine.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { findCredentialShapes } from '../support/secret-scan.js';

const run = promisify(execFile);

export const TEST_IDENTITY = { name: 'Ledger Test', email: 'ledger-test@example.invalid' };
const FIXED_DATE = '2024-01-02T03:04:05Z';

// Every helper command gets the same identity, dates and settings, so results do not depend
// on whoever runs the tests.
const TEST_FLAGS = [
  '-c', `user.name=${TEST_IDENTITY.name}`,
  '-c', `user.email=${TEST_IDENTITY.email}`,
  '-c', 'init.defaultBranch=main',
  '-c', 'commit.gpgsign=false',
  '-c', 'core.autocrlf=false',
];
const TEST_ENV = {
  GIT_AUTHOR_DATE: FIXED_DATE,
  GIT_COMMITTER_DATE: FIXED_DATE,
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export interface GitRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `dir` and reports the outcome without throwing. */
export async function tryGitIn(dir: string, args: string[]): Promise<GitRunResult> {
  try {
    const { stdout, stderr } = await run('git', [...TEST_FLAGS, ...args], {
      cwd: dir,
      env: { ...process.env, ...TEST_ENV },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Runs git in `dir`; returns stdout without its trailing newline, throws on failure. */
export async function gitIn(dir: string, args: string[]): Promise<string> {
  const result = await tryGitIn(dir, args);
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${dir} (exit ${result.exitCode}): ${result.stderr}`);
  }
  return result.stdout.replace(/\n$/, '');
}

/** Commit subjects reachable from `ref`, newest first. */
export async function logOf(dir: string, ref: string): Promise<string[]> {
  const out = await gitIn(dir, ['log', '--format=%s', ref, '--']);
  return out === '' ? [] : out.split('\n');
}

export interface RepoWithRemote {
  /** A clone with one commit on `main`, tracking `origin/main`. */
  work: string;
  /** The bare repository standing in for the remote. */
  bare: string;
  /** Another clone of the remote, for simulating a concurrent publisher. */
  cloneAnother(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createRepoWithRemote(): Promise<RepoWithRemote> {
  // Resolved, so paths compare equal to what git reports (tmpdir may be a symlink).
  const base = realpathSync(await mkdtemp(join(tmpdir(), 'usage-ledger-git-')));
  const bare = join(base, 'remote.git');
  const work = join(base, 'work');
  await gitIn(base, ['init', '--quiet', '--bare', bare]);
  await gitIn(base, ['clone', '--quiet', bare, work]);
  await writeFile(join(work, 'README.md'), '# ledger\n');
  await gitIn(work, ['add', 'README.md']);
  await gitIn(work, ['commit', '--quiet', '-m', 'initial commit']);
  await gitIn(work, ['push', '--quiet', '-u', 'origin', 'main']);

  let clones = 0;
  return {
    work,
    bare,
    async cloneAnother() {
      const dir = join(base, `clone-${++clones}`);
      await gitIn(base, ['clone', '--quiet', bare, dir]);
      return dir;
    },
    // Every repository a test makes is swept before it goes: across the whole suite, no
    // file a run wrote may hold a credential, whole or in part.
    async cleanup() {
      const leaked = await findCredentialShapes(base);
      await rm(base, { recursive: true, force: true });
      if (leaked.length > 0) throw new Error(`credentials left in files a run wrote:\n${leaked.join('\n')}`);
    },
  };
}

/**
 * Points git at a throwaway global config holding a decoy identity, for the rest of this
 * test file (vitest runs each file in its own process). Commits that end up attributed to
 * the decoy reveal an identity that was not passed; the user's real ~/.gitconfig is never
 * read or written. Returns the decoy config's path and a function restoring the environment.
 */
export async function isolateGlobalGitConfig(): Promise<{ path: string; decoy: typeof TEST_IDENTITY; restore(): Promise<void> }> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'usage-ledger-gitconfig-')));
  const path = join(dir, 'gitconfig');
  const decoy = { name: 'Global Config Decoy', email: 'decoy@example.invalid' };
  await writeFile(path, `[user]\n\tname = ${decoy.name}\n\temail = ${decoy.email}\n`);
  const saved = { global: process.env.GIT_CONFIG_GLOBAL, noSystem: process.env.GIT_CONFIG_NOSYSTEM };
  process.env.GIT_CONFIG_GLOBAL = path;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  return {
    path,
    decoy,
    async restore() {
      restoreEnv('GIT_CONFIG_GLOBAL', saved.global);
      restoreEnv('GIT_CONFIG_NOSYSTEM', saved.noSystem);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * isolateGlobalGitConfig for the whole test file, as its beforeAll and afterAll hooks.
 * The returned object holds the decoy config's path once the file's tests run.
 */
export function isolateGitConfigForFile(): { path: string } {
  const isolated = { path: '' };
  let restore: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const isolation = await isolateGlobalGitConfig();
    isolated.path = isolation.path;
    restore = () => isolation.restore();
  });
  afterAll(() => restore?.());
  return isolated;
}

/** The identity the publishing code is given in these tests. */
export const BOT = { name: 'Usage Ledger Bot', email: 'usage-ledger-bot@example.invalid' };

/** Writes `content` at `path` under `dir`, making the directories it needs. */
export async function writeFileIn(dir: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}
