// The request deadline end to end: a sync against a provider that drips its completions
// answer a byte at a time is cut off at --request-timeout, its windows are recorded as
// missing with the reason, and the last good snapshots are left as they were.

import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, type RepoWithRemote } from '../helpers/git-repos.js';
import { readTree, runLedger } from '../support/ledger-run.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const DRIPPED_PATH = '/v1/organization/usage/completions';

/**
 * Passes every request on to the simulator, except that completions answers send their
 * headers and then one byte every 100 ms: never a gap the body timeout would notice.
 */
async function dripProxy(target: string): Promise<{ url: string; server: Server; dripped: () => number }> {
  let dripped = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', target);
    if (url.pathname === DRIPPED_PATH) {
      dripped += 1;
      response.writeHead(200, { 'content-type': 'application/json', 'x-usage-ledger-origin': 'simulator' });
      response.write('{');
      const timer = setInterval(() => response.write(' '), 100);
      request.socket.on('close', () => clearInterval(timer));
      return;
    }
    const upstream = forward(url, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, dripped: () => dripped };
}

describe('sync against a provider that drips its answer', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator | undefined;
  let proxy: Server | undefined;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
  });

  afterEach(async () => {
    if (proxy) {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy!.close(resolve));
    }
    await simulator?.close();
    await repo.cleanup();
  });

  // A drip the deadline did not cut would hold the sync for ever: the test's own timeout is
  // the bound on its time. That the cut comes at the deadline and not before it is shown on
  // a fake clock in test/adapters/http/http-client-deadlines.test.ts.
  it('marks the windows missing with the request timeout named, keeps the last good snapshots and finishes in bounded time', { timeout: 15_000 }, async () => {
    simulator = await startSimulator({ now: () => NOW });
    const audit = path.join(repo.work, 'audit');
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { publish: 'none' } });
    const before = await readTree(audit);

    const drip = await dripProxy(simulator.url);
    proxy = drip.server;
    const result = await runLedger('sync', { cwd: repo.work, baseUrl: drip.url, now: NOW, flags: { publish: 'none', 'request-timeout': '1' } });

    // One completions request for the week, cut off and not retried.
    expect(drip.dripped()).toBe(1);
    expect(result.run.windows).toHaveLength(7);
    expect(result.run.windows.every((window) => window.state === 'missing' && window.status === 'failed')).toBe(true);

    const after = await readTree(audit);
    for (const [file, text] of before) {
      if (file.startsWith('snapshots/') || file.startsWith('raw/')) expect(after.get(file), file).toBe(text);
    }
    const manifest = JSON.parse(after.get('manifest.json')!);
    for (const window of result.run.windows) expect(manifest.windows.openai[window.date].state, window.date).toBe('missing');

    const errors = result.findings.filter((finding) => finding.code === 'PROVIDER_ERROR');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.flatMap((finding) => finding.windows).sort()).toEqual(result.run.windows.map((window) => window.date).sort());
    for (const finding of errors) {
      expect(finding.message).toContain(`openai completions: GET ${DRIPPED_PATH}: no complete response within the request timeout of 1 s (--request-timeout)`);
    }
  });
});
