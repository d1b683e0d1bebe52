// The ledger writer never follows a symbolic link below the audit directory: a linked
// month or day directory would send snapshots outside the repository, or into files the
// run has no business replacing.

import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** A ledger path passes through a symbolic link; nothing was read or written through it. */
export class LedgerSymlinkError extends Error {
  readonly link: string;
  constructor(link: string) {
    super(`${link} is a symbolic link inside the audit directory; the ledger is never read or written through links (replace it with a real directory or file)`);
    this.name = 'LedgerSymlinkError';
    this.link = link;
  }
}

/**
 * Returns a check that throws LedgerSymlinkError when any existing part of `target` below
 * `root` (the target included) is a symbolic link. Directories found real are remembered:
 * a run writes thousands of files into a few dozen directories.
 */
export function symlinkGuard(root: string): (target: string) => Promise<void> {
  const realDirectories = new Set<string>();
  return async (target) => {
    const parts = path.relative(root, target).split(path.sep);
    let current = root;
    for (const [index, part] of parts.entries()) {
      current = path.join(current, part);
      const isLast = index === parts.length - 1;
      if (!isLast && realDirectories.has(current)) continue;
      let stats;
      try {
        stats = await lstat(current);
      } catch (error) {
        // What does not exist yet is created as a real directory or file.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      if (stats.isSymbolicLink()) throw new LedgerSymlinkError(current);
      if (!isLast && stats.isDirectory()) realDirectories.add(current);
    }
  };
}

/** Throws LedgerSymlinkError for the first symbolic link anywhere below `root`, before a run writes anything. */
export async function assertNoSymlinksBelow(root: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const link = entries.find((entry) => entry.isSymbolicLink());
  if (link) throw new LedgerSymlinkError(path.join(link.parentPath, link.name));
}
