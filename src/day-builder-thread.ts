// Entry point of the day builder bundle (dist/builder/index.js), started by the engine
// for long runs (see commands/day-builders.ts): builds one day at a time, or checks a
// page's bucket while there is nothing to build, and answers with the result or with the
// error that stopped it.

import { parentPort } from 'node:worker_threads';
import { buildDay } from './commands/build-day.js';
import type { BuilderReply, BuilderRequest } from './commands/day-builders.js';
import { checkPageBucket } from './providers/openai/bucket-check.js';

const port = parentPort;
if (port === null) throw new Error('the day builder runs only as a worker thread');

function failed(id: number, error: unknown): void {
  const cause = error instanceof Error ? error : new Error(String(error));
  port?.postMessage({ id, error: { name: cause.name, message: cause.message } } satisfies BuilderReply);
}

port.on('message', (request: BuilderRequest) => {
  const { id } = request;
  if ('check' in request) {
    try {
      port.postMessage({ id, verdict: checkPageBucket(request.check) } satisfies BuilderReply);
    } catch (error) {
      failed(id, error);
    }
    return;
  }
  buildDay(request.job).then(
    // Copied, not transferred: some pieces share their memory with constants or with
    // Node's buffer pool, which cannot be handed over; a copy of a day's files is cheap.
    (built) => port.postMessage({ id, built } satisfies BuilderReply),
    (error: unknown) => failed(id, error),
  );
});
