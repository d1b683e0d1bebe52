// Entry point of the day builder bundle (dist/builder/index.js), started by the engine
// for long runs (see commands/day-builders.ts): builds one day at a time and answers with
// its files or with the error that stopped it.

import { parentPort } from 'node:worker_threads';
import { buildDay } from './commands/build-day.js';
import type { BuildReply, BuildRequest } from './commands/day-builders.js';

const port = parentPort;
if (port === null) throw new Error('the day builder runs only as a worker thread');

port.on('message', ({ id, job }: BuildRequest) => {
  buildDay(job).then(
    // Copied, not transferred: some pieces share their memory with constants or with
    // Node's buffer pool, which cannot be handed over; a copy of a day's files is cheap.
    (built) => port.postMessage({ id, built } satisfies BuildReply),
    (error: unknown) => {
      const cause = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, error: { name: cause.name, message: cause.message } } satisfies BuildReply);
    },
  );
});
