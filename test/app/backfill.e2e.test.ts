// Backfill: the fewest requests the provider allows, and a failed backfill that resumes
// where it stopped without fetching settled days again.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { readTree, runLedger } from '../support/ledger-run.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const USAGE_ENDPOINTS = ['completions', 'embeddings', 'moderations', 'images', 'audio_speeches', 'audio_transcriptions'];

function requestsByEndpoint(simulator: Simulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of simulator.requestLog) counts[request.endpoint] = (counts[request.endpoint] ?? 0) + 1;
  return counts;
}

describe('backfill', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
  });

  afterEach(async () => {
    await simulator?.close();
    await repo.cleanup();
  });

  it('fetches 90 days with ceil(90/31) = 3 requests per usage endpoint and one costs request', async () => {
    simulator = await startSimulator({ now: () => NOW });
    const result = await runLedger('backfill', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { days: '90' } });
    const counts = requestsByEndpoint(simulator);
    for (const endpoint of USAGE_ENDPOINTS) expect(counts[endpoint], endpoint).toBe(3);
    expect(counts.costs).toBe(1);
    // 10 usage endpoints × 3 pages, and one costs page (180 days fit one).
    expect(simulator.requestLog).toHaveLength(31);
    expect(result.run.windows).toHaveLength(90);
    expect(result.run.windows.every((w) => w.status === 'new')).toBe(true);
    const tree = await readTree(path.join(repo.work, 'audit'));
    expect([...tree.keys()].filter((file) => file.startsWith('snapshots/'))).toHaveLength(90);
    // One diff file per chunk written, so an interrupted run loses at most one chunk's record.
    expect(result.run.diffFiles).toHaveLength(3);
  });

  it('resumes a failed backfill: the second run fetches only the days still missing or provisional', async () => {
    simulator = await startSimulator({ now: () => NOW });
    // The second 31-day chunk's completions page fails on both attempts (max-retries 1).
    simulator.failNext(2, 503, { endpoint: 'completions', after: 1 });
    const first = await runLedger('backfill', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { days: '90', 'max-retries': '1' } });
    const missing = first.run.windows.filter((w) => w.state === 'missing').map((w) => w.date);
    expect(missing).toHaveLength(31);
    expect(first.run.findings.every((f) => f.code === 'PROVIDER_ERROR' && f.severity === 'critical')).toBe(true);
    const committed = await gitIn(repo.work, ['log', '-1', '--format=%s']);
    expect(committed).toMatch(/^usage-ledger backfill: openai/);

    simulator.clearLog();
    const second = await runLedger('backfill', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { days: '90' } });
    const fetched = second.run.windows.map((w) => w.date);
    const provisional = first.run.windows.filter((w) => w.state === 'provisional').map((w) => w.date);
    expect(fetched).toEqual([...missing, ...provisional].sort());
    expect(second.run.windows.filter((w) => missing.includes(w.date)).every((w) => w.status === 'new' && w.state === 'settled')).toBe(true);
    // Two contiguous runs of days: the formerly failed chunk and the provisional tail.
    const starts = simulator.requestLog.filter((r) => r.endpoint === 'completions').map((r) => r.query.start_time);
    expect(starts).toHaveLength(2);

    simulator.clearLog();
    const third = await runLedger('backfill', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { days: '90' } });
    expect(third.run.windows.map((w) => w.date)).toEqual(provisional);
  });
});
