// Nothing invented, end to end: a sync against a simulator that sends a bucket twice, or
// one from outside the range asked for, marks the day in doubt partial, keeps its last
// good snapshot byte-identical, and leaves every other day as a clean sync had it.

import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { startSimulator, type ScenarioName, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, type RepoWithRemote } from '../helpers/git-repos.js';
import { readTree, runLedger } from '../support/ledger-run.js';

const NOW = new Date('2026-11-22T06:30:00Z');
const TODAY = '2026-11-22';
/** The clean sync reaches further back than the faulty one, so some days are outside its query. */
const CLEAN_DAYS = 10;
const SYNCED = Array.from({ length: 7 }, (_, index) => addDays(TODAY, index - 6));
/** The day whose completions bucket the duplicate-bucket and overlapping-pages scenarios repeat. */
const REPEATED_DAY = addDays(TODAY, -3);

interface ManifestEntry {
  state: string;
  sha256: string | null;
  tokens: number | null;
}

function windowsOf(tree: Map<string, string>): Record<string, ManifestEntry> {
  return JSON.parse(tree.get('manifest.json')!).windows.openai;
}

function snapshotOf(tree: Map<string, string>, date: string): string | undefined {
  return tree.get(`snapshots/openai/${date.slice(0, 7)}/${date}.json`);
}

describe('sync when the provider sends a bucket twice or out of range', () => {
  let repo: RepoWithRemote;
  let audit: string;
  let clean: Map<string, string>;
  const simulators: Simulator[] = [];

  async function syncWith(scenarios: ScenarioName[], flags: Record<string, string> = {}) {
    const simulator = await startSimulator({ now: () => NOW, scenarios });
    simulators.push(simulator);
    return runLedger('sync', { cwd: repo.work, baseUrl: simulator.url, now: NOW, flags });
  }

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    audit = path.join(repo.work, 'audit');
    await syncWith([], { days: String(CLEAN_DAYS) });
    clean = await readTree(audit);
  });

  afterEach(async () => {
    await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
    await repo.cleanup();
  });

  /** The failed days are partial with their earlier hash, every snapshot and raw file is as the clean sync left it. */
  function expectKeptAsClean(after: Map<string, string>, partialDays: readonly string[]) {
    const before = windowsOf(clean);
    const windows = windowsOf(after);
    for (const date of partialDays) {
      expect(windows[date], date).toMatchObject({ state: 'partial', sha256: before[date]!.sha256, tokens: before[date]!.tokens });
      expect(snapshotOf(after, date), date).toBe(snapshotOf(clean, date));
    }
    for (const [date, entry] of Object.entries(windows)) {
      if (partialDays.includes(date)) continue;
      // Unaffected days: the same state and the same totals as the clean sync wrote.
      expect(entry, date).toEqual(before[date]);
      expect(JSON.parse(snapshotOf(after, date)!).totals, date).toEqual(JSON.parse(snapshotOf(clean, date)!).totals);
    }
    for (const [file, text] of clean) if (file.startsWith('snapshots/') || file.startsWith('raw/')) expect(after.get(file), file).toBe(text);
    expect(Object.keys(windows)).toHaveLength(CLEAN_DAYS);
  }

  it.each([
    ['duplicate-bucket', 'the bucket for 2026-11-19 arrived twice on page 1'],
    ['overlapping-pages', 'the bucket for 2026-11-19 arrived twice (pages 1 and 2)'],
  ] as const)('%s: only the repeated day is partial, with SCHEMA_MISMATCH, and nothing of it is written', async (scenario, what) => {
    const result = await syncWith([scenario]);
    const after = await readTree(audit);
    expectKeptAsClean(after, [REPEATED_DAY]);

    const failed = result.run.windows.filter((window) => window.status === 'failed').map((window) => [window.date, window.state]);
    expect(failed).toEqual([[REPEATED_DAY, 'partial']]);
    const mismatches = result.run.findings.filter((finding) => finding.code === 'SCHEMA_MISMATCH');
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]!.message).toContain(`openai completions: ${what}`);
    expect(result.run.findings.every((finding) => finding.code === 'SCHEMA_MISMATCH')).toBe(true);
  });

  it('out-of-range-bucket: every day of the query is partial, since none can be trusted, and nothing is written for them', async () => {
    const result = await syncWith(['out-of-range-bucket']);
    const after = await readTree(audit);
    expectKeptAsClean(after, SYNCED);

    expect(result.run.windows.map((window) => [window.date, window.status, window.state])).toEqual(SYNCED.map((date) => [date, 'failed', 'partial']));
    const mismatches = result.run.findings.filter((finding) => finding.code === 'SCHEMA_MISMATCH');
    expect(mismatches).toHaveLength(SYNCED.length);
    for (const [index, finding] of mismatches.entries()) {
      expect(finding.message).toContain(SYNCED[index]!);
      expect(finding.message).toContain(
        'openai completions: a bucket from 2026-11-15T00:00:00Z to 2026-11-16T00:00:00Z lies outside the range asked for (2026-11-16T00:00:00Z to 2026-11-23T00:00:00Z)',
      );
    }
  });
});
