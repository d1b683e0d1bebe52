// The git port: one narrow interface over the git command line, so the publisher can be
// reasoned about (and tested) in terms of a handful of operations. Commands run through
// argument arrays, never a shell, and never read or write the user's global config.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { redactCredentialShapes } from '../../domain/credential-shapes.js';
import { silentLogger, type Logger } from '../../ports.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitExecOptions {
  /** Return a non-zero exit instead of throwing; the caller inspects `exitCode`. */
  allowFailure?: boolean;
  /** Extra environment for this one command, on top of the process environment. */
  env?: Record<string, string>;
}

/** Who a commit is attributed to; passed per command, never stored in any config. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Where the current branch pushes: `git push <remote> HEAD:<mergeRef>`. */
export interface Upstream {
  remote: string;
  /** The branch on the remote, in full, e.g. `refs/heads/main`. */
  mergeRef: string;
  /** Short display name, e.g. `origin/main`. */
  name: string;
}

/** One entry of `git status --porcelain`: the two status letters and the root-relative path. */
export interface PathStatus {
  path: string;
  /** Index column: ' ' unchanged, 'M', 'A', 'D', 'R', '?' untracked, '!' ignored, ... */
  index: string;
  /** Work-tree column, same alphabet. */
  worktree: string;
  /** For renames and copies: the path it came from. */
  originalPath?: string;
}

export interface Git {
  /** The directory commands run in (may be below the repository root). */
  readonly cwd: string;
  exec(args: string[], options?: GitExecOptions): Promise<GitResult>;
  /** Absolute path of the work tree's top-level directory. */
  repoRoot(): Promise<string>;
  /** Short name of the checked-out branch, or null on a detached HEAD. */
  currentBranch(): Promise<string | null>;
  /** The current branch's configured upstream, or null (detached HEAD or none configured). */
  upstream(): Promise<Upstream | null>;
  /** The commit HEAD points at, or null on a branch with no commits yet. */
  headSha(): Promise<string | null>;
  /** Status of everything under the given root-relative paths, ignored files included. */
  statusOf(paths: string[]): Promise<PathStatus[]>;
}

export class GitError extends Error {
  override readonly name = 'GitError';
  /** The git arguments, with anything credential-like redacted. */
  readonly args: string[];
  readonly exitCode: number;
  /** git's stderr, with anything credential-like redacted. */
  readonly stderr: string;

  constructor(args: string[], exitCode: number, stderr: string) {
    const safeArgs = args.map(redactCredentials);
    const safeStderr = redactCredentials(stderr).trim();
    const detail = safeStderr === '' ? '' : `: ${safeStderr}`;
    super(`git ${safeArgs.join(' ')} failed (exit ${exitCode})${detail}`);
    this.args = safeArgs;
    this.exitCode = exitCode;
    this.stderr = safeStderr;
  }
}

/**
 * Hides credentials that can appear in remote URLs (`https://user:token@host`) or in
 * `http.extraheader` values, so that error messages and logs are safe to print in CI.
 */
export function redactCredentials(text: string): string {
  return redactCredentialShapes(text)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
    .replace(/\b(authorization:\s*(?:basic|bearer|token)\s+)\S+/gi, '$1***');
}

/**
 * The `-c` flags and environment that attribute a command's commits to `identity`.
 * The environment variables win over any GIT_AUTHOR_* / GIT_COMMITTER_* inherited from the
 * caller's environment, which would otherwise silently override the `-c` flags.
 */
export function identityOptions(identity: GitIdentity): { args: string[]; env: Record<string, string> } {
  const name = identity.name.trim();
  const email = identity.email.trim();
  if (name === '' || email === '') throw new Error('a commit identity needs a non-empty name and email');
  return {
    args: ['-c', `user.name=${name}`, '-c', `user.email=${email}`],
    env: {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    },
  };
}

/**
 * A pathspec that means exactly this root-relative path: `top` anchors it at the repository
 * root whatever the working directory, `literal` stops `*`, `?` and `[` from globbing.
 */
export function rootPathspec(path: string): string {
  return `:(top,literal)${path}`;
}

// Settings every command gets: stable, unquoted output and no signing prompts.
const BASE_ARGS = ['-c', 'core.quotepath=off', '-c', 'color.ui=false', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false'];
// Never wait for a credential prompt, and keep messages in English so they can be matched.
const BASE_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };

export function createGit(cwd: string, options: { logger?: Logger } = {}): Git {
  const logger = options.logger ?? silentLogger;
  const dir = resolve(cwd);
  let root: Promise<string> | undefined;

  const exec = (args: string[], execOptions: GitExecOptions = {}): Promise<GitResult> =>
    new Promise((done, fail) => {
      logger.debug(`git ${args.map(redactCredentials).join(' ')}`);
      const child = spawn('git', [...BASE_ARGS, ...args], {
        cwd: dir,
        env: { ...process.env, ...BASE_ENV, ...execOptions.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => fail(new GitError(args, -1, `could not run git: ${error.message}`)));
      child.on('close', (code, signal) => {
        const result: GitResult = {
          exitCode: code ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8') + (signal ? `\nkilled by ${signal}` : ''),
        };
        if (result.exitCode !== 0 && !execOptions.allowFailure) {
          fail(new GitError(args, result.exitCode, result.stderr));
        } else {
          done(result);
        }
      });
    });

  const currentBranch = async (): Promise<string | null> => {
    const result = await exec(['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true });
    return result.exitCode === 0 ? result.stdout.trim() : null;
  };

  const configValue = async (key: string): Promise<string | null> => {
    const result = await exec(['config', '--get', key], { allowFailure: true });
    return result.exitCode === 0 ? result.stdout.trim() : null;
  };

  return {
    cwd: dir,
    exec,
    repoRoot: () => (root ??= exec(['rev-parse', '--show-toplevel']).then((r) => r.stdout.trim())),
    currentBranch,
    async upstream() {
      const branch = await currentBranch();
      if (branch === null) return null;
      const remote = await configValue(`branch.${branch}.remote`);
      const mergeRef = await configValue(`branch.${branch}.merge`);
      if (remote === null || mergeRef === null || remote === '' || mergeRef === '') return null;
      return { remote, mergeRef, name: `${remote}/${mergeRef.replace(/^refs\/heads\//, '')}` };
    },
    async headSha() {
      const result = await exec(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { allowFailure: true });
      return result.exitCode === 0 ? result.stdout.trim() : null;
    },
    async statusOf(paths) {
      if (paths.length === 0) return [];
      const result = await exec([
        'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--no-renames',
        '--', ...paths.map(rootPathspec),
      ]);
      return parsePorcelain(result.stdout);
    },
  };
}

/** Parses `git status --porcelain=v1 -z`: `XY path\0`, renames followed by `origPath\0`. */
export function parsePorcelain(output: string): PathStatus[] {
  const fields = output.split('\0');
  const entries: PathStatus[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined || field.length < 4) continue;
    const entry: PathStatus = { index: field[0] ?? ' ', worktree: field[1] ?? ' ', path: field.slice(3) };
    if (entry.index === 'R' || entry.index === 'C') {
      const original = fields[++i];
      if (original !== undefined) entry.originalPath = original;
    }
    entries.push(entry);
  }
  return entries;
}
