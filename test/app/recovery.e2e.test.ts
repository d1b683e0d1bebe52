// A run killed before its commit leaves ledger files in the work tree. The next run
// commits those that still form a consistent ledger, puts back the rest, and never
// resumes from a manifest entry whose snapshot HEAD does not hold as recorded.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { assertConsistentLedger, treeAtCommit } from '../support/ledger-consistency.js';
import { readTree, runLedger } from '../support/ledger-run.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const SNAPSHOT = 'snapshots/openai/2026-11/2026-11-17.json';

describe('recovering what an interrupted run left', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let audit: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    simulator = await startSimulator({ now: () => NOW });
    audit = path.join(repo.work, 'audit');
  });

  afterEach(async () => {
    await simulator.close();
    await repo.cleanup();
  });

  const backfill = (flags: Record<string, string> = {}) => runLedger('backfill', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags: { days: '7', ...flags } });
  const auditStatus = () => gitIn(repo.work, ['status', '--porcelain', '--untracked-files=all', '--', 'audit']);

  it('commits the valid files of a run that wrote but never committed, saying so', async () => {
    await backfill({ publish: 'none' });
    const written = await readTree(audit);
    const requests = simulator.requestLog.length;

    const resumed = await backfill();

    // The recovered days are settled in the recovered manifest: only the provisional ones are fetched.
    expect(resumed.plannedDates).toEqual(['2026-11-21', '2026-11-22']);
    expect(simulator.requestLog.length).toBeGreaterThan(requests);
    expect(resumed.commitSha).not.toBeNull();
    expect(await gitIn(repo.work, ['log', '-1', '--format=%B'])).toMatch(/Recovered \d+ file\(s\) of an interrupted run/);
    expect(await auditStatus()).toBe('');
    const committed = await treeAtCommit(repo.work, 'HEAD');
    assertConsistentLedger(committed);
    for (const [file, text] of written) if (!file.startsWith('diffs/') && file !== 'manifest.json' && file !== 'README.md') expect(committed.get(file), file).toBe(text);
  });

  it('removes the atomic writer\'s leftovers and commits none of them', async () => {
    await backfill();
    const leftover = path.join(audit, 'snapshots/openai/2026-11', `.2026-11-17.json.0f1e2d3c-0000-4000-8000-000000000000.tmp`);
    await writeFile(leftover, '{"half": ');

    await backfill();

    expect(await readdir(path.dirname(leftover))).not.toContain(path.basename(leftover));
    expect(await auditStatus()).toBe('');
  });

  it('puts back a snapshot that does not match its manifest entry, and fetches its day again', async () => {
    await backfill({ publish: 'none' });
    const good = await readFile(path.join(audit, SNAPSHOT), 'utf8');
    await writeFile(path.join(audit, SNAPSHOT), good.replace(/"tokens": \d+/, '"tokens": 1'));

    const resumed = await backfill();

    expect(resumed.plannedDates).toContain('2026-11-17');
    expect(await auditStatus()).toBe('');
    const committed = await treeAtCommit(repo.work, 'HEAD');
    assertConsistentLedger(committed);
    expect(committed.get(SNAPSHOT)).toBe(good);
  });

  it('fetches again a settled day whose manifest entry names a snapshot HEAD does not hold', async () => {
    await backfill();
    await gitIn(repo.work, ['rm', '--quiet', `audit/${SNAPSHOT}`]);
    await gitIn(repo.work, ['commit', '--quiet', '-m', 'a ledger commit that lost a snapshot']);

    const resumed = await backfill();

    expect(resumed.plannedDates).toEqual(['2026-11-17', '2026-11-21', '2026-11-22']);
    assertConsistentLedger(await treeAtCommit(repo.work, 'HEAD'));
    expect(await auditStatus()).toBe('');
  });
});
