// The built command line, run as a user runs it: `node dist/cli/index.js`, a small launcher
// that runs the command on the engine thread. Exit codes, output and signals must come
// through the launcher as if the command ran in the process itself.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { readTree, runLedger } from '../support/ledger-run.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli/index.js');
const NOW = '2026-11-22T06:30:00Z';
const ENV = { PATH: process.env.PATH ?? '', OPENAI_ADMIN_KEY: 'sk-admin-cli-e2e-secret' };

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: ENV });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = once(child, 'exit').then(([code]): Finished => ({ code: code as number | null, stdout, stderr }));
  const output = () => stdout + stderr;
  /** Resolves once the output holds `text`; rejects if the process ends without printing it. */
  const printed = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!output().includes(text)) return;
        stop();
        resolve(output());
      };
      const ended = () => {
        stop();
        reject(new Error(`exited without printing ${JSON.stringify(text)}:\n${output()}`));
      };
      const stop = () => {
        child.stdout.off('data', check);
        child.stderr.off('data', check);
        child.off('close', ended);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.once('close', ended);
      check();
    });
  return { child, finished, output, printed };
}

describe('node dist/cli/index.js', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'usage-ledger-cli-'));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its version and exits 0', async () => {
    const result = await startCli(['--version'], scratch).finished;
    expect(result).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('exits 2 with a message naming the input on bad usage, writing nothing', async () => {
    const result = await startCli(['backfill', '--start-date', '2026-02-30', '--publish', 'none'], scratch).finished;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage-ledger: start-date: expected a real calendar date/);
    expect(await readTree(scratch)).toEqual(new Map());
  });

  describe('against the simulator', () => {
    let simulator: Simulator;
    let repo: RepoWithRemote;

    beforeEach(async () => {
      simulator = await startSimulator({ now: () => new Date(NOW) });
      repo = await createRepoWithRemote();
    });

    afterEach(async () => {
      await simulator.close();
      await repo.cleanup();
    });

    it('syncs, prints its report on stdout and commits, exiting 0', async () => {
      const result = await startCli(['sync', '--openai-base-url', simulator.url, '--now', NOW], repo.work).finished;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('2026-11-22');
      expect(result.stderr).not.toContain(ENV.OPENAI_ADMIN_KEY);
      expect([...(await readTree(path.join(repo.work, 'audit'))).keys()]).toContain('manifest.json');
      expect(await gitIn(repo.work, ['log', '-1', '--format=%s'])).toMatch(/^usage-ledger sync/);
    });

    it('writes a long backfill into the same ledger as a run from the sources, restatements included', async () => {
      // 60 days: two usage batches, so the costs page is held across them.
      const fromSources = await createRepoWithRemote();
      try {
        const flags = ['--days', '60', '--publish', 'none', '--openai-base-url', simulator.url, '--now', NOW];
        const built = await startCli(['backfill', ...flags], repo.work).finished;
        expect(built.code, built.stderr).toBe(0);
        await runLedger('backfill', { cwd: fromSources.work, baseUrl: simulator.url, now: new Date(NOW), flags: { days: '60', publish: 'none' } });
        const first = await readTree(path.join(repo.work, 'audit'));
        expect([...first.keys()].filter((file) => file.startsWith('snapshots/'))).toHaveLength(60);
        expect(first).toEqual(await readTree(path.join(fromSources.work, 'audit')));

        // A settled day restated by 3%: the built engine reads the snapshot the ledger holds
        // and diffs against it, as the sources do.
        simulator.restateDay('2026-10-10', 3);
        const again = await startCli(['backfill', ...flags, '--force'], repo.work).finished;
        expect(again.code, again.stderr).toBe(0);
        await runLedger('backfill', { cwd: fromSources.work, baseUrl: simulator.url, now: new Date(NOW), flags: { days: '60', publish: 'none', force: 'true' } });
        const second = await readTree(path.join(repo.work, 'audit'));
        expect(second).toEqual(await readTree(path.join(fromSources.work, 'audit')));
        const diffs = [...second.entries()].filter(([file]) => file.startsWith('diffs/')).map(([, text]) => JSON.parse(text) as { windows: Array<{ date: string; status: string; token_delta: number }>; findings: Array<{ code: string }> });
        const restated = diffs.flatMap((diff) => diff.windows).filter((window) => window.date === '2026-10-10' && window.status === 'changed');
        expect(restated).toHaveLength(1);
        expect(restated[0]!.token_delta).not.toBe(0);
        expect(diffs.flatMap((diff) => diff.findings).map((finding) => finding.code)).toContain('TOKEN_DRIFT');
      } finally {
        await fromSources.cleanup();
      }
    });
  });

  it('serves the simulator until SIGINT or SIGTERM, then stops cleanly with 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const cli = startCli(['simulate', '--port', '0'], scratch);
      const banner = await cli.printed('Press Ctrl+C to stop.');
      const url = /serving the OpenAI usage and costs API at (\S+)/.exec(banner)![1]!;
      const response = await fetch(`${url}/organization/costs?start_time=1763769600`, { headers: { authorization: 'Bearer sk-admin-x' } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      cli.child.kill(signal);
      expect((await cli.finished).code).toBe(0);
    }
  });

  describe('interrupted while waiting on the provider', () => {
    let server: Server;
    let requested: Promise<void>;

    beforeEach(async () => {
      // A provider that takes every request and never answers.
      let onRequest: () => void;
      requested = new Promise<void>((resolve) => (onRequest = resolve));
      server = createServer(() => onRequest());
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });

    afterEach(async () => {
      server.closeAllConnections();
      server.close();
    });

    it('stops at SIGINT with exit code 130 and writes nothing', async () => {
      const { port } = server.address() as AddressInfo;
      const cli = startCli(['sync', '--publish', 'none', '--openai-base-url', `http://127.0.0.1:${port}/v1`, '--now', NOW], scratch);
      await Promise.race([requested, cli.finished.then((result) => Promise.reject(new Error(`exited before asking the provider: ${JSON.stringify(result)}`)))]);
      cli.child.kill('SIGINT');
      expect((await cli.finished).code).toBe(130);
      expect(await readTree(scratch)).toEqual(new Map());
    });
  });
});
