// The launchers (dist/index.js for the action, dist/cli/index.js for the CLI) load almost
// nothing and run the command in the engine bundle on a worker thread. The reason is
// memory: V8 grows a main thread's young generation up to 128 MB under a long run's
// steady allocation, and only a worker's can be capped without V8 flags, which the
// action's runner does not pass. A 16 MB young generation keeps a 10,000-run reconcile
// near 245 MiB instead of about 345 MiB, at the same CPU time.

import { Worker } from 'node:worker_threads';
import { type EngineData, type EngineShell, SIGNAL_EXIT_CODES, type StopMessage, type StopSignal } from './engine-protocol.js';

export const ENGINE_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16 } as const;

export interface LaunchOptions {
  shell: EngineShell;
  /**
   * dist/engine/index.js relative to `from`, the launcher's own URL. Given apart because a
   * literal `new URL(path, import.meta.url)` makes the bundler copy the file as an asset.
   */
  engine: string;
  from: string;
  argv: string[];
  /** How to report a failure the engine could not report itself (a crash, running out of memory). */
  reportCrash: (message: string) => void;
}

/**
 * Starts the engine thread and forwards stop signals to it. Resolves with the exit code the
 * process should end with: the engine's own, 1 if it crashed, or the signal's after a
 * second signal cut a clean stop short.
 */
export function launch(options: LaunchOptions): Promise<number> {
  const data: EngineData = { shell: options.shell, argv: options.argv };
  const worker = new Worker(new URL(options.engine, options.from), { workerData: data, resourceLimits: ENGINE_RESOURCE_LIMITS });
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
      options.reportCrash(error instanceof Error ? error.message : String(error));
    });
    worker.on('exit', (code) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(forcedExitCode ?? (crashed && code === 0 ? 1 : code));
    });
  });
}
