// The CLI as a real process, run from the TypeScript sources, for faults that need one:
// a kill at a chosen point, two processes on one checkout.

import { spawn } from 'node:child_process';
import path from 'node:path';

const here = path.join(import.meta.dirname, 'process');

export interface CliProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cliProcess(argv: string[], options: { cwd: string; env: Record<string, string>; crashAt?: string; countRenamesTo?: string }): Promise<CliProcessResult> {
  const preload = options.crashAt !== undefined || options.countRenamesTo !== undefined ? ['--import', path.join(here, 'crash-preload.mjs')] : [];
  const child = spawn(
    process.execPath,
    ['--experimental-transform-types', '--no-warnings', '--import', path.join(here, 'ts-resolve.mjs'), ...preload, path.join(here, 'cli-from-source.ts'), ...argv],
    {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...options.env,
        ...(options.crashAt ? { USAGE_LEDGER_TEST_CRASH: options.crashAt } : {}),
        ...(options.countRenamesTo ? { USAGE_LEDGER_TEST_COUNT: options.countRenamesTo } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => void (stdout += chunk));
  child.stderr.on('data', (chunk) => void (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
