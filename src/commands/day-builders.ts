// Where days are built. Building a day (parsing its buckets again, normalizing, sorting,
// validating, writing canonical JSON, hashing) is most of a long backfill's CPU, and days
// are independent, so a long run hands them to a builder thread while the engine thread
// fetches, reads pages and writes files. A short run builds inline: starting a thread
// costs more than building a week of a typical organization's days.

import { isMarkedAsUntransferable, Worker } from 'node:worker_threads';
import { type HeapLimits, heapLimits, outOfMemoryMessage } from '../launch/heap-limits.js';
import type { BucketChecker, BucketCheckRequest, BucketVerdict } from '../providers/openai/bucket-check.js';
import { type BuiltDay, buildDay, type DayJob } from './build-day.js';

export interface DayBuilder {
  /** Days worth asking for at once: enough to keep every builder busy. */
  readonly capacity: number;
  build(job: DayJob): Promise<BuiltDay>;
  /**
   * Checks a page's bucket on a builder thread with nothing to build, or answers undefined.
   * A long backfill's builders wait while the engine thread reads a 180-day costs page
   * (160 MB): no day can be built before its costs are read, so they help read it.
   */
  readonly checker?: BucketChecker;
  /** Stops any threads; builds still running are rejected. */
  close(): Promise<void>;
}

export const inlineDayBuilder: DayBuilder = {
  capacity: 1,
  build: (job) => buildDay(job),
  close: async () => {},
};

/** Messages between the pool and a builder thread. */
export type BuilderRequest = { id: number; job: DayJob } | { id: number; check: BucketCheckRequest };
export type BuilderReply =
  | { id: number; built: BuiltDay }
  | { id: number; verdict: BucketVerdict }
  | { id: number; error: { name: string; message: string } };

/** A thread's error as the engine's: a SyntaxError stays one, since it says a bucket is not JSON. */
function errorFrom({ name, message }: { name: string; message: string }): Error {
  return name === 'SyntaxError' ? new SyntaxError(message) : Object.assign(new Error(message), { name });
}

/**
 * A builder thread's heap limits. Both caps keep memory down (see launch/heap-limits.ts
 * for why the old generation's maximum matters below it): measured on a 365-day backfill
 * with two builders, a peak of 511 to 515 MiB without the old-generation cap, 406 to 425
 * MiB with a cap of 1 GB, at the same wall time.
 *
 * A builder keeps little alive between days (about 10 MB), so the heap V8 lets it grow to
 * before collecting the old generation again, a factor of what survived the last time,
 * decides how often it does: V8 scales that factor with the maximum, from about 1.6 at 1
 * GB to 2 just under 2 GB, and jumps to 4 at 2 GB. Measured in alternating runs of the
 * same backfill, medians of two: 1 GB took 63.4 s of CPU (wall 39.6 s, peak 416 MiB),
 * 2047 MB 57.3 s (36.0 s, 426 MiB), 2 GB 53.2 s (33.8 s) but peaks of 484 to 536 MiB,
 * too close to the 512 MiB budget. Each builder did 110 to 135 full collections at 1 GB
 * and about 30 at 2 GB.
 */
export function builderLimits(env: Readonly<Record<string, string | undefined>>): HeapLimits {
  return heapLimits(env, BUILDER_HEAP_MB);
}

const BUILDER_HEAP_MB = 2047;

/**
 * Bucket checks out per builder thread: one being checked and one waiting, so a thread
 * never waits for the engine thread to hand it the next.
 */
const CHECKS_PER_THREAD = 2;

interface Slot {
  worker: Worker;
  busy: boolean;
}

/**
 * `threads` builder threads running `script` (src/day-builder-thread.ts, bundled), started
 * on the first build or check. Builds and checks wait in order for a free thread; a check
 * is only taken while no build waits and few checks do. A thread that fails fails every
 * build and check still waiting, and the pool.
 */
export function threadDayBuilder(script: URL, threads: number, limits: HeapLimits): DayBuilder {
  const slots: Slot[] = [];
  // Each request with what to hand over rather than copy: a bucket's own bytes.
  const queue: Array<{ request: BuilderRequest; transfer: ArrayBuffer[] }> = [];
  const pending = new Map<number, { resolve(answer: BuiltDay | BucketVerdict): void; reject(error: Error): void; check: boolean }>();
  let nextId = 1;
  let broken: Error | undefined;
  let closed = false;

  const fail = (error: Error): void => {
    broken ??= error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    queue.length = 0;
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy) continue;
      const next = queue.shift();
      if (next === undefined) return;
      slot.busy = true;
      // A thread at work keeps the run alive (its result is awaited); an idle one must not.
      slot.worker.ref();
      slot.worker.postMessage(next.request, next.transfer);
    }
  };

  const ask = <Answer extends BuiltDay | BucketVerdict>(request: (id: number) => BuilderRequest, transfer: ArrayBuffer[] = []): Promise<Answer> => {
    const id = nextId;
    nextId += 1;
    const sent = request(id);
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (answer: BuiltDay | BucketVerdict) => void, reject, check: 'check' in sent });
      queue.push({ request: sent, transfer });
      dispatch();
    });
  };

  const start = (): void => {
    for (let index = 0; index < threads; index += 1) {
      const worker = new Worker(script, { resourceLimits: limits });
      const slot: Slot = { worker, busy: false };
      worker.on('message', (reply: BuilderReply) => {
        slot.busy = false;
        worker.unref();
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if ('built' in reply) waiter?.resolve(reply.built);
        else if ('verdict' in reply) waiter?.resolve(reply.verdict);
        else waiter?.reject(errorFrom(reply.error));
        dispatch();
      });
      worker.on('error', (error: Error & { code?: unknown }) => {
        const message = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemoryMessage(error.message, limits) : error.message;
        fail(new Error(`a day builder thread failed: ${message}`, { cause: error }));
      });
      worker.on('exit', (code) => {
        if (!closed) fail(new Error(`a day builder thread stopped unexpectedly (exit code ${code})`));
      });
      worker.unref();
      slots.push(slot);
    }
  };

  return {
    capacity: threads + 1,
    build(job) {
      if (closed) return Promise.reject(new Error('the day builder is closed'));
      if (broken) return Promise.reject(broken);
      if (slots.length === 0) start();
      return ask<BuiltDay>((id) => ({ id, job }));
    },
    checker(check) {
      // Builds come first; and with a few checks waiting the engine thread checks the next
      // bucket itself rather than queue more (each holds its bucket's bytes).
      const checksOut = [...pending.values()].filter((waiter) => waiter.check).length;
      if (closed || broken || checksOut >= CHECKS_PER_THREAD * threads || queue.some(({ request }) => 'job' in request)) return undefined;
      if (slots.length === 0) start();
      // Handed over, not copied, when they are all of their buffer and the reader keeps
      // them only packed (copying 160 MB of a costs page took a visible share of the
      // engine thread); otherwise a copy of just them, as a view may share a larger buffer
      // (Node's pool for small buffers, which may not be handed over at all).
      const { bytes } = check;
      const whole =
        bytes.byteOffset === 0 &&
        bytes.buffer instanceof ArrayBuffer &&
        bytes.byteLength === bytes.buffer.byteLength &&
        !isMarkedAsUntransferable(bytes.buffer);
      const sent = check.pack && whole ? bytes : new Uint8Array(bytes);
      return ask<BucketVerdict>((id) => ({ id, check: { ...check, bytes: sent } }), [sent.buffer as ArrayBuffer]);
    },
    async close() {
      closed = true;
      fail(new Error('the day builder was closed'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      slots.length = 0;
    },
  };
}
