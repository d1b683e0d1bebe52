// Where the ledger lives on disk: the audit directory must be a directory (or not exist
// yet) inside the repository, so a run can never write or commit outside it.

import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './errors.js';

export interface Workspace {
  /** Absolute path of the audit directory. */
  auditDir: string;
  /** Root of the git repository holding it, or undefined outside one. */
  repoRoot: string | undefined;
}

/** The path with symlinks resolved in the part that exists; the rest is appended as given. */
async function resolveSymlinks(target: string): Promise<string> {
  let existing = target;
  for (;;) {
    try {
      const real = await realpath(existing);
      return path.join(real, path.relative(existing, target));
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return target;
      existing = parent;
    }
  }
}

async function kindOf(target: string): Promise<'file' | 'directory' | 'none'> {
  try {
    return (await stat(target)).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'none';
  }
}

/**
 * A directory the tool writes (the audit or runs directory): a directory or not there yet,
 * inside the repository when there is one, never the repository root itself.
 */
export async function resolveToolDir(input: string, cwd: string, dir: string, repoRoot: string | undefined): Promise<string> {
  const absolute = path.resolve(cwd, dir);
  if ((await kindOf(absolute)) === 'file') throw new UsageError(`${absolute} is a file; expected a directory`, input);
  if (repoRoot === undefined) return absolute;
  const root = await realpath(repoRoot);
  const resolved = await resolveSymlinks(absolute);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new UsageError(`${dir} resolves outside the repository ${root}; it must live inside it`, input);
  }
  if (resolved === root) throw new UsageError('cannot be the repository root; use a subdirectory', input);
  return resolved;
}

export async function resolveWorkspace(options: {
  cwd: string;
  auditDir: string;
  repoRoot: string | undefined;
  needsRepository: boolean;
}): Promise<Workspace> {
  if (options.repoRoot === undefined && options.needsRepository) {
    throw new UsageError(`${options.cwd} is not inside a git repository; run inside a checkout or use --publish none`, 'publish');
  }
  const auditDir = await resolveToolDir('audit-dir', options.cwd, options.auditDir, options.repoRoot);
  return { auditDir, repoRoot: options.repoRoot === undefined ? undefined : await realpath(options.repoRoot) };
}
