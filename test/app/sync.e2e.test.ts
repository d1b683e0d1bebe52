// The daily ledger end to end: the sync use case against the embedded simulator, in a
// real git repository with a bare remote.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { assertValid, type LedgerFileKind } from '../../src/adapters/ledger-fs/schema-validator.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, logOf, type RepoWithRemote } from '../helpers/git-repos.js';
import { ADMIN_ENV, readTree, recordingClock, runLedger, utcSeconds } from '../support/ledger-run.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const TODAY = '2026-11-22';
const USAGE_ENDPOINTS = ['completions', 'embeddings', 'moderations', 'images', 'audio_speeches', 'audio_transcriptions'] as const;

function kindOf(file: string): LedgerFileKind {
  if (file === 'manifest.json') return 'manifest';
  return file.split('/')[0]!.replace(/s$/, '') as LedgerFileKind;
}

describe('sync against the simulator', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let audit: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    audit = path.join(repo.work, 'audit');
  });

  afterEach(async () => {
    await simulator?.close();
    await repo.cleanup();
  });

  it('writes one snapshot per day whose totals equal the provider exactly, every file valid, and commits and pushes them', async () => {
    simulator = await startSimulator({ now: () => NOW });
    const result = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });

    expect(result.run.windows.map((w) => w.date)).toEqual(Array.from({ length: 7 }, (_, i) => addDays(TODAY, i - 6)));
    const tree = await readTree(audit);
    for (const [file, text] of tree) if (file !== 'README.md') assertValid(kindOf(file), JSON.parse(text), file);
    expect(tree.get('README.md')).toContain('Simulated data');
    expect(tree.get('README.md')).toContain(`| ${TODAY} | provisional |`);

    let totalTokens = 0;
    for (const window of result.run.windows) {
      const snapshot = JSON.parse(tree.get(`snapshots/openai/${window.date.slice(0, 7)}/${window.date}.json`)!);
      const start = utcSeconds(window.date);
      const end = Math.min(start + 86_400, Math.floor(NOW.getTime() / 1000) + 1);
      for (const endpoint of USAGE_ENDPOINTS) {
        const truth = simulator.truth({ endpoint, start, end: start + 86_400 });
        const totals = snapshot.totals.by_endpoint[endpoint] ?? {};
        for (const [counter, value] of Object.entries(truth)) expect(totals[counter] ?? 0, `${window.date} ${endpoint} ${counter}`).toBe(value);
      }
      expect(snapshot.totals.cost.usd ?? '0').toBe(simulator.truthCost({ start, end: start + 86_400 }));
      expect(end).toBeGreaterThan(start);
      totalTokens += snapshot.totals.tokens;
      expect(snapshot.origin).toBe('simulator');
    }
    expect(totalTokens).toBeGreaterThan(0);

    const manifest = JSON.parse(tree.get('manifest.json')!);
    expect(manifest.origin).toBe('simulator');
    expect(manifest.windows.openai[TODAY].state).toBe('provisional');
    expect(manifest.windows.openai[addDays(TODAY, -1)].state).toBe('provisional');
    expect(manifest.windows.openai[addDays(TODAY, -2)].state).toBe('settled');

    // 10 usage endpoints and costs, one page each for a week.
    expect(simulator.requestLog).toHaveLength(11);
    expect(result.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(result.commitSha);
    expect((await logOf(repo.work, 'HEAD'))[0]).toBe(`usage-ledger sync: openai ${addDays(TODAY, -6)}..${TODAY}`);
    const committed = (await gitIn(repo.work, ['show', '--name-only', '--format=', 'HEAD'])).split('\n').sort();
    expect(committed).toEqual([...tree.keys()].map((file) => `audit/${file}`).sort());
    expect(result.outputs['windows-processed']).toBe('7');
    expect(result.outputs.changed).toBe('true');
  });

  it('a second identical sync writes no file and makes no commit', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const before = await readTree(audit);
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);
    const second = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    expect(second.run.written).toEqual([]);
    expect(second.commitSha).toBeNull();
    expect(second.outputs.changed).toBe('false');
    expect(await readTree(audit)).toEqual(before);
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await gitIn(repo.work, ['status', '--porcelain'])).toBe('');
  });

  it('records a restatement of a settled day with its exact token delta and marks it revised', async () => {
    simulator = await startSimulator({ now: () => NOW, scenarios: ['restatement'] });
    const day = addDays(TODAY, -3);
    const truthOf = () => {
      const start = utcSeconds(day);
      const completions = simulator.truth({ endpoint: 'completions', start, end: start + 86_400 });
      return (completions.input_tokens ?? 0) + (completions.output_tokens ?? 0);
    };
    const first = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const tokensBefore = first.run.windows.find((w) => w.date === day)!.tokens!;
    const truthBeforeRestatement = truthOf();
    const second = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const truthAfterRestatement = truthOf();
    expect(truthAfterRestatement).toBeGreaterThan(truthBeforeRestatement);
    const window = second.run.windows.find((w) => w.date === day)!;
    const tokensAfter = window.tokens!;
    expect(tokensAfter).toBeGreaterThan(tokensBefore);
    expect(window.state).toBe('revised');
    expect(second.run.diffFiles).toHaveLength(1);
    const diff = JSON.parse(await readFile(second.run.diffFiles[0]!, 'utf8'));
    const entry = diff.windows.find((w: { date: string }) => w.date === day);
    expect(entry).toMatchObject({ status: 'changed', state: 'revised', tokens_before: tokensBefore, tokens_after: tokensAfter, token_delta: tokensAfter - tokensBefore });
    const recordDeltas = [...entry.changed, ...entry.added].reduce(
      (sum: number, change: { deltas?: Record<string, number>; input_tokens?: number; output_tokens?: number }) =>
        sum + (change.deltas ? (change.deltas.input_tokens ?? 0) + (change.deltas.output_tokens ?? 0) : (change.input_tokens ?? 0) + (change.output_tokens ?? 0)),
      0,
    );
    expect(recordDeltas).toBe(tokensAfter - tokensBefore);
    expect(diff.findings).toEqual([expect.objectContaining({ code: 'TOKEN_DRIFT', windows: [day] })]);
    const manifest = JSON.parse(await readFile(path.join(audit, 'manifest.json'), 'utf8'));
    expect(manifest.windows.openai[day]).toMatchObject({ state: 'revised', revisions: 1 });
    expect(tokensAfter - tokensBefore).toBe(truthAfterRestatement - truthBeforeRestatement);
  });

  it('keeps today provisional while late data grows it, and writes only what changed', async () => {
    simulator = await startSimulator({ now: () => NOW, scenarios: ['late-data'] });
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const second = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const today = second.run.windows.find((w) => w.date === TODAY)!;
    expect(today.state).toBe('provisional');
    expect(today.status).toBe('changed');
    expect(second.run.windows.filter((w) => w.date !== TODAY).every((w) => w.status === 'unchanged')).toBe(true);
    expect(second.run.findings).toEqual([]);
  });

  it('fetches a day whose grouped results span several pages completely', async () => {
    const steady = await startSimulator({ now: () => NOW });
    const steadyResult = await runLedger('sync', { cwd: repo.work, baseUrl: steady.url, now: NOW, flags: { 'publish': 'none', 'audit-dir': 'steady' } });
    await steady.close();
    simulator = await startSimulator({ now: () => NOW, scenarios: ['paginated'] });
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { 'publish': 'none' } });
    const paged = await readTree(audit);
    const single = await readTree(path.join(repo.work, 'steady'));
    for (const window of steadyResult.run.windows) {
      const file = `snapshots/openai/${window.date.slice(0, 7)}/${window.date}.json`;
      expect(paged.get(file)).toBe(single.get(file));
    }
    const raw = JSON.parse(paged.get(`raw/openai/${addDays(TODAY, -3)}/completions.json`)!);
    expect(raw.pages).toBeGreaterThan(1);
    expect(simulator.requestLog.filter((r) => r.endpoint === 'completions').length).toBeGreaterThan(1);
  });

  it('keeps each day\'s raw buckets as the very bytes the provider sent, in a canonical frame', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { publish: 'none' } });
    const tree = await readTree(audit);
    const date = addDays(TODAY, -3);
    for (const endpoint of ['costs', 'completions']) {
      const text = tree.get(`raw/openai/${date}/${endpoint}.json`)!;
      const raw = JSON.parse(text);
      // Ask again with the request the raw file names: the simulator answers it identically.
      const url = new URL(`${simulator.url}${raw.request.path}`);
      for (const [name, value] of Object.entries(raw.request.query as Record<string, string | string[]>)) {
        for (const item of [value].flat()) url.searchParams.append(name, item);
      }
      const body = await (await fetch(url, { headers: { authorization: `Bearer ${ADMIN_ENV.OPENAI_ADMIN_KEY}` } })).text();
      const from = body.indexOf(`{"object":"bucket","start_time":${utcSeconds(date)},`);
      const next = body.indexOf(',{"object":"bucket"', from);
      const sent = body.slice(from, next >= 0 ? next : body.indexOf('],"has_more"'));
      expect(from, endpoint).toBeGreaterThan(0);
      expect(text, endpoint).toContain(`  "buckets": [\n    ${sent}\n  ],\n  "date": "${date}",\n`);
      expect(text.endsWith('\n}\n')).toBe(true);
    }
  });

  it('a repeated cursor marks the window partial and leaves the last good snapshot byte-identical', async () => {
    const steady = await startSimulator({ now: () => NOW });
    await runLedger('sync', { cwd: repo.work, baseUrl: steady.url, now: NOW });
    await steady.close();
    const before = await readTree(audit);
    simulator = await startSimulator({ now: () => NOW, scenarios: ['repeated-cursor'] });
    const result = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const after = await readTree(audit);
    for (const [file, text] of before) if (file.startsWith('snapshots/') || file.startsWith('raw/')) expect(after.get(file), file).toBe(text);
    const manifest = JSON.parse(after.get('manifest.json')!);
    const partial = Object.entries(manifest.windows.openai).filter(([, entry]) => (entry as { state: string }).state === 'partial');
    expect(partial.length).toBeGreaterThan(0);
    for (const [date, entry] of partial) {
      expect((entry as { sha256: string }).sha256).toBe(JSON.parse(before.get('manifest.json')!).windows.openai[date].sha256);
    }
    expect(result.run.findings.some((f) => f.code === 'PROVIDER_ERROR' && /cursor/.test(f.message))).toBe(true);
  });

  it('honours Retry-After on a 429 and marks windows missing, writing no zeros, when 5xx outlast the retries', async () => {
    simulator = await startSimulator({ now: () => NOW });
    simulator.failNext(1, 429, { retryAfter: '2', endpoint: 'completions' });
    const clock = recordingClock(NOW);
    const retried = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, clock, flags: { publish: 'none' } });
    expect(clock.sleeps.some((ms) => ms >= 2000)).toBe(true);
    expect(retried.run.windows.every((w) => w.status === 'new')).toBe(true);
    await simulator.close();

    simulator = await startSimulator({ now: () => NOW, scenarios: ['server-error'] });
    const fresh = path.join(repo.work, 'other-ledger');
    const failed = await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { publish: 'none', 'audit-dir': 'other-ledger', 'max-retries': '2' } });
    expect(failed.run.windows.every((w) => w.state === 'missing' && w.status === 'failed')).toBe(true);
    expect(simulator.requestLog.filter((r) => r.endpoint === 'completions')).toHaveLength(3);
    const tree = await readTree(fresh);
    expect([...tree.keys()].sort()).toEqual(['README.md', 'manifest.json']);
    expect(tree.get('README.md')).toContain(`| ${TODAY} | missing | – | 0 | PROVIDER_ERROR |`);
    const manifest = JSON.parse(tree.get('manifest.json')!);
    for (const entry of Object.values(manifest.windows.openai) as Array<{ state: string; sha256: null; tokens: null }>) {
      expect(entry).toMatchObject({ state: 'missing', sha256: null, tokens: null });
    }
    expect(failed.outputs['issues-by-code']).toBe(JSON.stringify({ PROVIDER_ERROR: 7 }));
  });

  it('refuses to mix simulated data into a ledger of real data', async () => {
    simulator = await startSimulator({ now: () => NOW });
    await runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW });
    const manifestPath = path.join(audit, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.origin = 'provider';
    const { writeFile } = await import('node:fs/promises');
    await writeFile(manifestPath, JSON.stringify(manifest));
    const before = await readTree(audit);
    await expect(runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: new Date('2026-11-23T06:00:00Z') })).rejects.toThrow(/refusing to mix/);
    expect(await readTree(audit)).toEqual(before);
    expect(ADMIN_ENV.OPENAI_ADMIN_KEY).toBeTruthy();
  });
});
