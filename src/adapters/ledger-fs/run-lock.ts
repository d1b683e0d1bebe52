// One writer at a time per checkout. Two runs on one work tree would rewrite the manifest
// from stale reads and collide on git's index, so each run holds a lock file in the git
// directory (never committed, never in the work tree) for as long as it writes. A lock
// whose process has died (a killed run) is taken over; a live holder is waited for, for a
// bounded time.

import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../ports.js';

export const RUN_LOCK_FILE = 'usage-ledger.lock';

/** Who holds the lock, as written in the lock file. */
export interface LockHolder {
  token: string;
  pid: number;
  host: string;
  command: string;
  started_at: string;
}

export class RunLockTimeoutError extends Error {
  readonly holder: LockHolder | undefined;
  constructor(lockFile: string, holder: LockHolder | undefined, waitedSeconds: number) {
    super(
      `another usage-ledger run holds the lock on this checkout (${describeHolder(holder)}); gave up after ` +
        `${waitedSeconds} s (--lock-timeout). If no such run exists, remove ${lockFile}`,
    );
    this.name = 'RunLockTimeoutError';
    this.holder = holder;
  }
}

export interface RunLock {
  release(): Promise<void>;
}

function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'a holder that could not be read';
  return `\`${holder.command}\` in process ${holder.pid} on ${holder.host}, since ${holder.started_at}`;
}

async function readHolder(lockFile: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(lockFile, 'utf8')) as Partial<LockHolder>;
    if (typeof value.token === 'string' && typeof value.pid === 'number' && typeof value.host === 'string') return value as LockHolder;
  } catch {
    // Gone meanwhile, or not ours to understand: treated as held by someone unknown.
  }
  return undefined;
}

/** True when the holder's process is known to be gone: same host, and no such process. */
function isDead(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Creates the lock file with its content in one step: linking fails if it exists. */
async function tryCreate(lockFile: string, holder: LockHolder): Promise<boolean> {
  const temporary = `${lockFile}.${holder.token}.tmp`;
  await writeFile(temporary, `${JSON.stringify(holder)}\n`);
  try {
    await link(temporary, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Moves a dead holder's lock aside. Renaming is atomic, so of several runs taking over
 * only one succeeds; a lock that turns out to be a new live one is put back.
 */
async function takeOver(lockFile: string, stale: LockHolder, logger: Logger): Promise<void> {
  const aside = `${lockFile}.${randomUUID()}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved?.token !== stale.token) {
    await link(aside, lockFile).catch(() => undefined);
  } else {
    logger.info(`took over the lock of an interrupted run (${describeHolder(stale)}): that process no longer exists`);
  }
  await rm(aside, { force: true });
}

const POLL_MS = 250;

export async function acquireRunLock(options: { gitDir: string; command: string; timeoutSeconds: number; logger: Logger }): Promise<RunLock> {
  const { logger } = options;
  const lockFile = path.join(options.gitDir, RUN_LOCK_FILE);
  const mine: LockHolder = { token: randomUUID(), pid: process.pid, host: hostname(), command: options.command, started_at: new Date().toISOString() };
  const started = Date.now();
  let announced = false;
  for (;;) {
    if (await tryCreate(lockFile, mine)) break;
    const holder = await readHolder(lockFile);
    if (holder && isDead(holder)) {
      await takeOver(lockFile, holder, logger);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutSeconds * 1000) throw new RunLockTimeoutError(lockFile, holder, Math.round(waited / 1000));
    if (!announced) {
      const until = new Date(started + options.timeoutSeconds * 1000).toISOString();
      logger.info(`waiting for another usage-ledger run on this checkout to finish (${describeHolder(holder)}), until ${until} at most`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return {
    async release() {
      // Only our own lock is removed: a lock taken over after we were presumed dead is not ours.
      if ((await readHolder(lockFile))?.token === mine.token) await rm(lockFile, { force: true });
    },
  };
}

/** Runs `body` holding the checkout's lock; outside a repository there is no checkout to share. */
export async function whileLocked<T>(
  gitDir: string | undefined,
  options: { command: string; timeoutSeconds: number; logger: Logger },
  body: () => Promise<T>,
): Promise<T> {
  if (gitDir === undefined) return body();
  const lock = await acquireRunLock({ gitDir, ...options });
  try {
    return await body();
  } finally {
    await lock.release();
  }
}
