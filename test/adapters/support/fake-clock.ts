// A clock whose sleeps return at once and move time forward, recording every wait.
import type { Clock } from '../../../src/ports.js';

export interface FakeClock extends Clock {
  sleeps: number[];
}

export function createFakeClock(start = '2026-11-20T12:00:00Z', options: { frozen?: boolean } = {}): FakeClock {
  let now = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      // A frozen clock behaves like --now: sleeping does not move time.
      if (!options.frozen) now += ms;
    },
  };
}

/** A logger that keeps every line, to assert on what would have been printed. */
export function createRecordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: (message: string) => void lines.push(message),
    warning: (message: string) => void lines.push(message),
    debug: (message: string) => void lines.push(message),
    group: <T>(_name: string, body: () => Promise<T>) => body(),
  };
}
