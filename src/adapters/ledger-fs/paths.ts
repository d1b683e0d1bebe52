// Where each ledger file lives. Every path is built from validated parts, so no provider
// name, endpoint or date coming from data can point outside the audit directory.

import path from 'node:path';
import { isUtcDate } from '../../domain/dates.js';

const NAME = /^[a-z0-9][a-z0-9_]*$/;

function safeName(kind: string, value: string): string {
  if (!NAME.test(value)) throw new Error(`unsafe ${kind} for a ledger path: ${JSON.stringify(value)}`);
  return value;
}

function safeDate(value: string): string {
  if (!isUtcDate(value)) throw new Error(`not a UTC date for a ledger path: ${JSON.stringify(value)}`);
  return value;
}

/** Paths relative to the audit directory, with forward slashes as in git. */
export const ledgerPaths = {
  manifest: (): string => 'manifest.json',
  readme: (): string => 'README.md',
  snapshot: (provider: string, date: string): string =>
    `snapshots/${safeName('provider', provider)}/${safeDate(date).slice(0, 7)}/${date}.json`,
  raw: (provider: string, date: string, endpoint: string): string =>
    `raw/${safeName('provider', provider)}/${safeDate(date)}/${safeName('endpoint', endpoint)}.json`,
  diff: (runAt: Date, command: string, hash8: string): string => `${ledgerPaths.diffDirectory(runAt)}/${diffName(runAt, command, hash8)}`,
  /** Where a run's diff file goes, whatever its hash turns out to be. */
  diffDirectory: (runAt: Date): string => `diffs/${runAt.toISOString().slice(0, 10)}`,
};

function diffName(runAt: Date, command: string, hash8: string): string {
  const iso = runAt.toISOString();
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  if (!/^[0-9a-f]{8}$/.test(hash8)) throw new Error(`not a short hash: ${hash8}`);
  return `${time}-${safeName('command', command)}-${hash8}.json`;
}

/** Joins a ledger-relative path onto the audit directory and checks it stays inside. */
export function resolveInside(auditDir: string, relative: string): string {
  const root = path.resolve(auditDir);
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new Error(`path escapes the audit directory: ${relative}`);
  }
  return full;
}
