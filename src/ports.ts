// Small ports shared by commands and shells. Each has one real implementation; tests
// pass their own where time or output must be controlled.

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock pinned to `--now`: time does not move, but sleeping still waits for real. */
export function fixedClock(at: Date, sleep: Clock['sleep'] = systemClock.sleep): Clock {
  return { now: () => new Date(at.getTime()), sleep };
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
}

export const silentLogger: Logger = {
  info: () => {},
  warning: () => {},
  debug: () => {},
  group: (_name, body) => body(),
};
