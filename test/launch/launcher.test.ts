// The launcher runs the engine on a worker thread with a capped young generation, relays
// its exit code, reports a crash, and turns process signals into stop requests.

import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_RESOURCE_LIMITS, launch } from '../../src/launch/launcher.js';

const FROM = import.meta.url;

function start(engine: string, argv: string[] = []) {
  const crashes: string[] = [];
  const exit = launch({ shell: 'cli', engine: `./fixtures/${engine}`, from: FROM, argv, reportCrash: (message) => crashes.push(message) });
  return { exit, crashes };
}

describe('launch', () => {
  afterEach(() => {
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('resolves with the exit code the engine ends with', async () => {
    expect(await start('exit-engine.mjs', ['0']).exit).toBe(0);
    expect(await start('exit-engine.mjs', ['2']).exit).toBe(2);
  });

  it('starts the engine with the young generation capped', async () => {
    expect(ENGINE_RESOURCE_LIMITS.maxYoungGenerationSizeMb).toBe(16);
    expect(await start('limits-engine.mjs').exit).toBe(16);
  });

  it('reports an engine that crashes and fails', async () => {
    const { exit, crashes } = start('crash-engine.mjs');
    expect(await exit).toBe(1);
    expect(crashes).toEqual(['the engine broke']);
  });

  it('forwards SIGINT and SIGTERM as stop requests and relays how the engine stopped', async () => {
    for (const [signal, code] of [
      ['SIGINT', 20],
      ['SIGTERM', 21],
    ] as const) {
      const { exit } = start('stop-engine.mjs');
      expectListening(signal);
      process.emit(signal, signal);
      expect(await exit).toBe(code);
    }
  });

  it('ends an engine that does not stop at the second signal, with the signal exit code', async () => {
    const { exit } = start('stop-engine.mjs', ['stubborn']);
    expectListening('SIGINT');
    process.emit('SIGINT', 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.emit('SIGINT', 'SIGINT');
    expect(await exit).toBe(130);
  });
});

/** The launcher listens from the start; a stop request waits in the port until the engine has loaded. */
function expectListening(signal: NodeJS.Signals): void {
  expect(process.listenerCount(signal)).toBe(1);
}
