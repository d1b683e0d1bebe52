// Entry point of the engine bundle (dist/engine/index.js), started by the launchers in
// dist/index.js and dist/cli/index.js on a worker thread. It runs one shell, the action's
// or the CLI's, and ends with that shell's exit code.

import { parentPort, workerData } from 'node:worker_threads';
import { isStopMessage, SIGNAL_EXIT_CODES, type EngineData } from './launch/engine-protocol.js';
import { deliverStopSignal } from './launch/stop-signal.js';
import { main } from './shell/cli-main.js';
import { run } from './main.js';

const data = workerData as EngineData;

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
  await run();
} else {
  process.exitCode = await main(data.argv);
}
