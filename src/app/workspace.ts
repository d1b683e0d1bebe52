// Where the ledger lives on disk: the audit directory must be a directory (or not exist
// yet) inside the repository, so a run can never write or commit outside it.

import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

export interface Workspace {
  /** Absolute path of the audit directory. */
  auditDir: string;
  /** Root of the git repository holding it, or undefined outside one. */
  repoRoot: string | undefined;
  /** The repository's git directory, or undefined outside one. */
  gitDir: string | undefined;
}

/** Where the checkout is: its work tree's root and its git directory, both absolute. */
export interface Repository {
  root: string;
  gitDir: string;
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

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent + path.sep);
}

/**
 * A directory the tool writes (the audit or runs directory): a directory or not there yet,
 * inside the repository when there is one, never the repository root itself, and never in
 * git's own directory, where a write would corrupt the repository rather than record data.
 */
export async function resolveToolDir(input: string, cwd: string, dir: string, repository: Repository | undefined): Promise<string> {
  const absolute = path.resolve(cwd, dir);
  if (absolute.split(path.sep).includes('.git')) throw new UsageError(`${dir} is inside a .git directory; the ledger cannot live in git's own files`, input);
  if ((await kindOf(absolute)) === 'file') throw new UsageError(`${absolute} is a file; expected a directory`, input);
  if (repository === undefined) return absolute;
  const root = await realpath(repository.root);
  const resolved = await resolveSymlinks(absolute);
  if (!isInside(root, resolved)) {
    throw new UsageError(`${dir} resolves outside the repository ${root}; it must live inside it`, input);
  }
  if (resolved === root) throw new UsageError('cannot be the repository root; use a subdirectory', input);
  if (isInside(await resolveSymlinks(repository.gitDir), resolved)) {
    throw new UsageError(`${dir} is inside the git directory ${repository.gitDir}; the ledger cannot live in git's own files`, input);
  }
  return resolved;
}

export async function resolveWorkspace(options: {
  cwd: string;
  auditDir: string;
  repository: Repository | undefined;
  needsRepository: boolean;
}): Promise<Workspace> {
  const { repository } = options;
  if (repository === undefined && options.needsRepository) {
    throw new UsageError(`${options.cwd} is not inside a git repository; run inside a checkout or use --publish none`, 'publish');
  }
  const auditDir = await resolveToolDir('audit-dir', options.cwd, options.auditDir, repository);
  if (repository === undefined) return { auditDir, repoRoot: undefined, gitDir: undefined };
  return { auditDir, repoRoot: await realpath(repository.root), gitDir: await realpath(repository.gitDir) };
}
