// The launchers (dist/index.js for the action, dist/cli/index.js for the CLI) load almost
// nothing and run the command in the engine bundle on a worker thread, because only a
// worker's heap limits can be set without V8 flags (see heap-limits.ts).

import { Worker } from 'node:worker_threads';
import { EXIT_USAGE, getErrorMessage } from '../errors.js';
import { type EngineData, type EngineShell, SIGNAL_EXIT_CODES, type StopMessage, type StopSignal } from './engine-protocol.js';
import { engineHeapLimits, type HeapLimits, outOfMemoryMessage } from './heap-limits.js';

export interface LaunchOptions {
  shell: EngineShell;
  /**
   * dist/engine/index.js relative to `from`, the launcher's own URL. Given apart because a
   * literal `new URL(path, import.meta.url)` makes the bundler copy the file as an asset.
   */
  engine: string;
  from: string;
  argv: string[];
  /** The command to run, as far as the launcher can tell, for its heap limits. */
  command: string | undefined;
  /** Read for USAGE_LEDGER_HEAP_MB. */
  env: Readonly<Record<string, string | undefined>>;
  /** How to report a failure the engine could not report itself (a crash, running out of memory, a bad heap limit). */
  reportCrash: (message: string) => void;
}

/**
 * Starts the engine thread and forwards stop signals to it. Resolves with the exit code the
 * process should end with: the engine's own, 1 if it crashed, or the signal's after a
 * second signal cut a clean stop short.
 */
export function launch(options: LaunchOptions): Promise<number> {
  let limits: HeapLimits;
  try {
    limits = engineHeapLimits(options.command, options.env);
  } catch (error) {
    options.reportCrash(getErrorMessage(error));
    return Promise.resolve(EXIT_USAGE);
  }
  const data: EngineData = { shell: options.shell, argv: options.argv };
  const worker = new Worker(new URL(options.engine, options.from), { workerData: data, resourceLimits: limits });
  let stopping: StopSignal | undefined;
  let forcedExitCode: number | undefined;
  let crashed = false;

  const onSignal = (signal: StopSignal): void => {
    if (stopping !== undefined) {
      // A second Ctrl+C: the user does not want to wait for a clean stop.
      forcedExitCode = SIGNAL_EXIT_CODES[signal];
      void worker.terminate();
      return;
    }
    stopping = signal;
    worker.postMessage({ type: 'stop', signal } satisfies StopMessage);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return new Promise((resolve) => {
    worker.on('error', (error: unknown) => {
      crashed = true;
      const message = getErrorMessage(error);
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      options.reportCrash(outOfMemory ? outOfMemoryMessage(message, limits) : message);
    });
    worker.on('exit', (code) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(forcedExitCode ?? (crashed && code === 0 ? 1 : code));
    });
  });
}
