// Entry point of the engine bundle (dist/engine/index.js), started by the launchers in
// dist/index.js and dist/cli/index.js on a worker thread. It runs one shell, the action's
// or the CLI's, and ends with that shell's exit code.

import { parentPort, workerData } from 'node:worker_threads';
import { isStopMessage, SIGNAL_EXIT_CODES, type EngineData } from './launch/engine-protocol.js';
import { deliverStopSignal } from './launch/stop-signal.js';
import { main } from './shell/cli-main.js';
import { run } from './main.js';

const data = workerData as EngineData;

/** A file of the bundle beside this one. Not a literal `new URL(path, import.meta.url)`: the bundler would copy the file as an asset. */
function besideEngine(relative: string): URL {
  return new URL(relative, import.meta.url);
}

/** Built from src/day-builder-thread.ts by scripts/bundle.mjs. */
const engine = { dayBuilderScript: besideEngine('../builder/index.js') };

if (parentPort) {
  parentPort.on('message', (message: unknown) => {
    if (!isStopMessage(message)) return;
    // Nothing waits for a signal (any command but `simulate`): stop as the signal would
    // have stopped a single-threaded process. Atomic writes leave no half-written file.
    if (!deliverStopSignal(message.signal)) process.exit(SIGNAL_EXIT_CODES[message.signal]);
  });
  // Listening must not keep the thread alive once the command is done.
  parentPort.unref();
}

if (data.shell === 'action') {
  await run(engine);
} else {
  process.exitCode = await main(data.argv, undefined, engine);
}
