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

export async function resolveWorkspace(options: {
  cwd: string;
  auditDir: string;
  repoRoot: string | undefined;
  needsRepository: boolean;
}): Promise<Workspace> {
  const auditDir = path.resolve(options.cwd, options.auditDir);
  if ((await kindOf(auditDir)) === 'file') throw new UsageError(`${auditDir} is a file; expected a directory for the ledger`, 'audit-dir');
  if (options.repoRoot === undefined) {
    if (options.needsRepository) {
      throw new UsageError(`${options.cwd} is not inside a git repository; run inside a checkout or use --publish none`, 'publish');
    }
    return { auditDir, repoRoot: undefined };
  }
  const root = await realpath(options.repoRoot);
  const resolved = await resolveSymlinks(auditDir);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new UsageError(`${options.auditDir} resolves outside the repository ${root}; the ledger must live inside it`, 'audit-dir');
  }
  if (resolved === root) throw new UsageError('the audit directory cannot be the repository root; use a subdirectory such as audit', 'audit-dir');
  return { auditDir: resolved, repoRoot: root };
}
