// Runs the sync and backfill use cases the way the CLI does, against an in-process
// simulator, with a clock whose sleeps are recorded instead of waited.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runLedgerCommand } from '../../src/app/ledger-command.js';
import { silentLogger, type Clock } from '../../src/ports.js';
import { parseSettings } from '../../src/config/settings.js';
import { composeAdapters } from '../../src/app/compose.js';

export const ADMIN_ENV = { OPENAI_ADMIN_KEY: 'sk-admin-test-secret-0001' };

export interface RecordingClock extends Clock {
  sleeps: number[];
}

export function recordingClock(now: Date): RecordingClock {
  const sleeps: number[] = [];
  return { sleeps, now: () => new Date(now.getTime()), sleep: async (ms) => void sleeps.push(ms) };
}

export async function runLedger(
  command: 'sync' | 'backfill',
  options: { cwd: string; baseUrl: string; now: Date; clock?: RecordingClock; flags?: Record<string, string> },
) {
  const clock = options.clock ?? recordingClock(options.now);
  const settings = parseSettings(
    command,
    [],
    { 'openai-base-url': options.baseUrl, now: options.now.toISOString(), ...options.flags },
    ADMIN_ENV,
    options.now,
  );
  return runLedgerCommand(settings, composeAdapters(settings, { cwd: options.cwd, clock, logger: silentLogger, env: {} }));
}

/** Every file under a directory, relative path to bytes. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full, 'utf8'));
    }
  }
  await walk(dir);
  return files;
}

export function utcSeconds(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}
