// Pins every byte the tool writes for one fixed story (see test/support/golden-scenario.ts):
// the audit/ tree and the reconciled run record are compared with test/golden/, a SHA-256
// per file plus a few files kept whole. A refactor must leave them all unchanged; a change
// that is meant to alter the ledger updates them with UPDATE_GOLDEN=1 (test/golden/README.md).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { filesUnder, readGolden, readWritten, writeGolden } from '../support/golden-files.js';
import {
  BACKFILL_DAYS,
  LATE_DAY,
  RESTATED_DAY,
  RETRY_AFTER_SECONDS,
  RUN_RECORD_PATH,
  runGoldenScenario,
  type GoldenRunFacts,
} from '../support/golden-scenario.js';

const UPDATING = process.env.UPDATE_GOLDEN === '1';
const USAGE_ENDPOINTS = ['completions', 'embeddings', 'moderations', 'images', 'audio_speeches', 'audio_transcriptions'];

/**
 * Files kept whole: small ones a reviewer reads, and the first backfill diff that records
 * the 429, so a change in what the tool says about retries shows up in a diff too.
 */
async function keptPaths(root: string, written: readonly string[]): Promise<string[]> {
  const backfillDiffs = written.filter((file) => /^audit\/diffs\/.+-backfill-[0-9a-f]{8}\.json$/.test(file));
  const withRateLimit: string[] = [];
  for (const file of backfillDiffs) if ((await readFile(path.join(root, file), 'utf8')).includes('"status": 429')) withRateLimit.push(file);
  const reconcileDiffs = written.filter((file) => /^audit\/diffs\/.+-reconcile-[0-9a-f]{8}\.json$/.test(file));
  return ['audit/manifest.json', 'audit/README.md', ...withRateLimit.slice(0, 1), ...reconcileDiffs, RUN_RECORD_PATH].sort();
}

describe('the ledger written for a fixed scenario', () => {
  let repo: RepoWithRemote;
  let facts: GoldenRunFacts;
  let written: string[];

  beforeAll(async () => {
    repo = await createRepoWithRemote();
    facts = await runGoldenScenario(repo.work);
    written = [...(await filesUnder(repo.work, 'audit')), RUN_RECORD_PATH];
  });

  afterAll(async () => {
    await repo?.cleanup();
  });

  // Guards the scenario itself: golden bytes are only worth pinning if they cover these cases.
  it('goes through paging, a 429 with Retry-After, a restatement, a late day and a reconciled run', async () => {
    expect(facts.backfill.run.windows).toHaveLength(BACKFILL_DAYS);
    expect(facts.backfill.run.windows.every((window) => window.state !== 'missing')).toBe(true);
    for (const endpoint of [...USAGE_ENDPOINTS, 'costs']) expect(facts.pages.backfill[endpoint], endpoint).toBeGreaterThanOrEqual(2);
    expect(facts.pages.backfill.completions).toBeGreaterThan(10);
    expect(facts.pages.backfill.costs).toBeGreaterThan(10);

    expect(facts.rateLimited).toBe(1);
    expect(facts.sleeps).toContain(RETRY_AFTER_SECONDS * 1000);

    const restated = facts.sync.run.windows.find((window) => window.date === RESTATED_DAY);
    expect(restated).toMatchObject({ status: 'changed', state: 'revised' });
    expect(facts.sync.run.findings).toEqual([expect.objectContaining({ code: 'TOKEN_DRIFT', windows: [RESTATED_DAY] })]);
    const late = facts.sync.run.windows.find((window) => window.date === LATE_DAY);
    expect(late).toMatchObject({ status: 'changed', state: 'settled' });

    expect(facts.pages.reconcile).toEqual({ completions: 1 });
    expect(facts.reconcile.outputs).toMatchObject({ 'runs-reconciled': '1', 'runs-failed': '0' });
    const record = JSON.parse(await readFile(path.join(repo.work, RUN_RECORD_PATH), 'utf8'));
    expect(record.aggregate_metrics.TOK_IN).toBeGreaterThan(0);
    expect(record.usage_api_reconciliation.status).toBe('success');
  });

  it('commits and pushes everything it writes', async () => {
    expect(await gitIn(repo.work, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(await gitIn(repo.bare, ['rev-parse', 'main'])).toBe(await gitIn(repo.work, ['rev-parse', 'HEAD']));
    expect(await gitIn(repo.work, ['log', '--format=%s', '-3'])).toMatch(/^usage-ledger reconcile: .*\nusage-ledger sync: .*\nusage-ledger backfill: /);
  });

  it('writes exactly the bytes committed under test/golden/', async () => {
    const actual = await readWritten(repo.work, written, await keptPaths(repo.work, written));
    if (UPDATING) await writeGolden(actual);
    const golden = await readGolden();
    // Soft, so one run reports every file kept whole that changed and the hash list too.
    const actualKept = [...actual.kept];
    const goldenKept = [...golden.kept];
    for (let index = 0; index < Math.min(actualKept.length, goldenKept.length); index += 1) {
      const [file, text] = actualKept[index]!;
      const [goldenFile, goldenText] = goldenKept[index]!;
      expect.soft(text, `${file} (golden ${goldenFile})`).toBe(goldenText);
    }
    expect.soft(actualKept.map(([file]) => file), 'files kept whole').toEqual(goldenKept.map(([file]) => file));
    expect(actual.hashes, 'test/golden/ledger.sha256').toBe(golden.hashes);
  });
});
