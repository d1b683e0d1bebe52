// The launcher runs the engine on a worker thread with a capped young generation, relays
// its exit code, reports a crash, and turns process signals into stop requests.

import { BroadcastChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { cliCommand } from '../../src/shell/cli-args.js';
import { launch } from '../../src/launch/launcher.js';

const FROM = import.meta.url;

function start(engine: string, argv: string[] = [], env: Record<string, string> = {}, command = 'sync') {
  const crashes: string[] = [];
  const exit = launch({ shell: 'cli', engine: `./fixtures/${engine}`, from: FROM, command, argv, env, reportCrash: (message) => crashes.push(message) });
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

  it('starts every command with a 16 MB young generation', async () => {
    for (const command of ['sync', 'backfill', 'reconcile']) expect(await start('limits-engine.mjs', ['young'], {}, command).exit, command).toBe(16);
  });

  it('caps the old generation at 1 GB for reconcile and backfill only', async () => {
    expect(await start('limits-engine.mjs', ['old'], {}, 'reconcile').exit).toBe(1024 / 16);
    expect(await start('limits-engine.mjs', ['old'], {}, 'backfill').exit).toBe(1024 / 16);
    // V8's own maximum depends on the machine; it is not the lower cap.
    expect(await start('limits-engine.mjs', ['old'], {}, 'sync').exit).not.toBe(1024 / 16);
  });

  it('reads the command from a CLI command line as the CLI does, for its limits', () => {
    expect(cliCommand(['reconcile', '--max-age', '96'])).toBe('reconcile');
    expect(cliCommand(['--max-age', '96', 'reconcile', 'chatdev'])).toBe('reconcile');
    expect(cliCommand(['--version'])).toBeUndefined();
    expect(cliCommand(['reconcile', '--no-such-flag'])).toBeUndefined();
  });

  it('takes the old generation maximum of any command from USAGE_LEDGER_HEAP_MB', async () => {
    expect(await start('limits-engine.mjs', ['old'], { USAGE_LEDGER_HEAP_MB: '2048' }, 'reconcile').exit).toBe(2048 / 16);
    expect(await start('limits-engine.mjs', ['old'], { USAGE_LEDGER_HEAP_MB: '512' }, 'backfill').exit).toBe(512 / 16);
  });

  it('refuses a USAGE_LEDGER_HEAP_MB that is not a whole number of at least 256, starting nothing', async () => {
    for (const value of ['abc', '100', '-512', '1.5e3', '512MB']) {
      const { exit, crashes } = start('exit-engine.mjs', ['0'], { USAGE_LEDGER_HEAP_MB: value });
      expect(await exit, value).toBe(2);
      expect(crashes).toEqual([`USAGE_LEDGER_HEAP_MB: expected a whole number of megabytes, at least 256, got ${JSON.stringify(value)}`]);
    }
  });

  it('fails an engine that runs out of heap, saying how to allow more', async () => {
    const { exit, crashes } = start('hungry-engine.mjs', [], { USAGE_LEDGER_HEAP_MB: '256' });
    expect(await exit).toBe(1);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatch(/out of memory.*\(the limit is 256 MB; set USAGE_LEDGER_HEAP_MB to allow more\)$/);
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
    const channel = new BroadcastChannel('stop-engine');
    try {
      const ignored = new Promise((resolve) => (channel.onmessage = (event) => resolve((event as MessageEvent).data)));
      const { exit } = start('stop-engine.mjs', ['stubborn']);
      expectListening('SIGINT');
      process.emit('SIGINT', 'SIGINT');
      // The second signal only once the engine has the first request and has ignored it.
      expect(await ignored).toEqual({ ignored: 'SIGINT' });
      process.emit('SIGINT', 'SIGINT');
      expect(await exit).toBe(130);
    } finally {
      channel.close();
    }
  });
});

/** The launcher listens from the start; a stop request waits in the port until the engine has loaded. */
function expectListening(signal: NodeJS.Signals): void {
  expect(process.listenerCount(signal)).toBe(1);
}
