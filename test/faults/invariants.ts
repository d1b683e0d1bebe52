// The invariants every row of the fault matrix is held to, whatever the fault: nothing lost
// (every day with content keeps its last good snapshot), nothing invented (a day with
// content holds exactly the provider's truth, a failed day is marked and never zeroed), a
// consistent ledger at HEAD, no duplicate issue or pull request, and no piece of a secret
// anywhere a run leaves text.

import path from 'node:path';
import { expect } from 'vitest';
import { parseMarker } from '../../src/domain/alarm-marker.js';
import type { Finding } from '../../src/domain/findings.js';
import type { ManifestEntry } from '../../src/domain/window-state.js';
import { USAGE_ENDPOINTS, type Simulator } from '../../src/simulator/index.js';
import { gitIn } from '../helpers/git-repos.js';
import { ledgerTreeAt } from '../support/fault-commit-tree.js';
import type { FaultRunOutcome } from '../support/fault-ledger-run.js';
import type { ProxiedRequest } from '../support/fault-proxy.js';
import type { GitHubFake } from '../support/github-fake.js';
import { assertConsistentLedger } from '../support/ledger-consistency.js';
import { readTree, utcSeconds } from '../support/ledger-run.js';
import { expectNoSecretPieces } from '../support/secret-scan.js';
import type { GoodLedger } from './good-ledger.js';

const PROVIDER = 'openai';
const WITH_CONTENT = new Set(['provisional', 'settled', 'revised']);
const FAILED = new Set(['missing', 'partial']);

function snapshotPath(date: string): string {
  return `snapshots/${PROVIDER}/${date.slice(0, 7)}/${date}.json`;
}

function windowsOf(tree: ReadonlyMap<string, string>): Record<string, ManifestEntry> {
  const text = tree.get('manifest.json');
  return text === undefined ? {} : (JSON.parse(text).windows[PROVIDER] ?? {});
}

/** (b) A snapshot's totals equal the simulator's truth for its day, counter by counter. */
function expectTotalsEqualTruth(snapshotText: string, date: string, simulator: Simulator): void {
  const { totals, query } = JSON.parse(snapshotText) as { totals: { by_endpoint: Record<string, Record<string, number>>; cost: Record<string, string> }; query: { endpoints: string[] } };
  const start = utcSeconds(date);
  for (const endpoint of USAGE_ENDPOINTS.filter((name) => query.endpoints.includes(name))) {
    const truth = simulator.truth({ endpoint, start, end: start + 86_400 });
    // `records` counts the ledger's own rows; every other counter is the provider's.
    const { records: _records, ...held } = totals.by_endpoint[endpoint] ?? {};
    for (const counter of new Set([...Object.keys(truth), ...Object.keys(held)])) {
      expect(held[counter] ?? 0, `${date} ${endpoint} ${counter}`).toBe(truth[counter] ?? 0);
    }
  }
  if (query.endpoints.includes('costs')) expect(totals.cost.usd ?? '0', `${date} cost`).toBe(simulator.truthCost({ start, end: start + 86_400 }));
}

/** (a) and (b) over one ledger tree (what HEAD holds, or the work tree). */
function expectNothingLostNothingInvented(where: string, tree: ReadonlyMap<string, string>, good: GoodLedger, simulator: Simulator, findings: readonly Finding[] | undefined): void {
  const windows = windowsOf(tree);
  for (const [date, before] of Object.entries(good.windows)) {
    if (before.sha256 === null) continue;
    const after = windows[date];
    expect(after?.sha256 ?? null, `${where}: ${date} lost its snapshot`).not.toBeNull();
    const changed = tree.get(snapshotPath(date)) !== good.tree.get(snapshotPath(date));
    // A settled day may change only as a revision of the provider's own figures.
    if (changed && before.state !== 'provisional') expect(after?.state, `${where}: settled ${date} changed without a revision`).toBe('revised');
  }
  for (const [date, entry] of Object.entries(windows)) {
    const snapshot = tree.get(snapshotPath(date));
    if (WITH_CONTENT.has(entry.state)) {
      expect(snapshot, `${where}: ${date} is ${entry.state} without a snapshot`).toBeDefined();
      expectTotalsEqualTruth(snapshot!, date, simulator);
      continue;
    }
    expect(FAILED.has(entry.state), `${where}: ${date} has unknown state ${entry.state}`).toBe(true);
    expect(entry.last_error?.code, `${where}: failed ${date} names no error`).toMatch(/^[A-Z_]+$/);
    // Never zeros: the failed day keeps exactly what it had before.
    const before = good.windows[date];
    expect(entry.sha256, `${where}: ${date}`).toBe(before?.sha256 ?? null);
    expect(entry.tokens, `${where}: ${date}`).toBe(before?.tokens ?? null);
    expect(snapshot, `${where}: ${date} snapshot`).toBe(good.tree.get(snapshotPath(date)));
    if (findings !== undefined) {
      expect(findings.some((finding) => finding.windows.includes(date)), `${where}: failed ${date} has no finding`).toBe(true);
    }
  }
}

/** (d) At most one open alarm issue per fingerprint and one open pull request per head branch. */
function expectNoDuplicates(github: GitHubFake): void {
  const count = (keys: string[]) => keys.reduce((counts, key) => counts.set(key, (counts.get(key) ?? 0) + 1), new Map<string, number>());
  const open = github.issues.filter((issue) => issue.state === 'open');
  const fingerprints = open.map((issue) => parseMarker(issue.body ?? '')?.fingerprint).filter((value): value is string => value !== undefined);
  for (const [fingerprint, issues] of count(fingerprints)) expect(issues, `open issues for alarm ${fingerprint}`).toBe(1);
  const heads = github.pulls.filter((pull) => pull.state === 'open').map((pull) => pull.head);
  for (const [head, pulls] of count(heads)) expect(pulls, `open pull requests from ${head}`).toBe(1);
}

/** What GitHub holds as text: titles, bodies, labels and comments of issues and pull requests. */
function githubTexts(github: GitHubFake): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const item of [...github.issues, ...github.pulls]) texts[`GitHub #${item.number}`] = `${item.title}\n${item.body ?? ''}\n${item.labels.join(',')}`;
  for (const [number, comments] of github.comments) texts[`GitHub #${number} comments`] = comments.map((comment) => comment.body).join('\n');
  return texts;
}

/** (e) No piece of any secret in the work tree, either repository's history, the log, or what GitHub got. */
async function expectNoSecretWritten(secrets: readonly string[], repo: { work: string; bare: string }, places: { log: string; github?: GitHubFake; githubRequests?: readonly ProxiedRequest[] }): Promise<void> {
  const texts: Record<string, string> = {
    log: places.log,
    // Git's object files are compressed: read what the commits hold through git instead.
    'work history': await gitIn(repo.work, ['log', '--all', '-p', '--format=%H%n%B']),
    'remote history': await gitIn(repo.bare, ['log', '--all', '-p', '--format=%H%n%B']),
    ...(places.github ? githubTexts(places.github) : {}),
  };
  for (const [index, request] of (places.githubRequests ?? []).entries()) texts[`GitHub request ${index} ${request.method} ${request.path}`] = request.body;
  for (const secret of secrets) await expectNoSecretPieces(secret, { dirs: [repo.work], texts });
}

export interface InvariantInput {
  repo: { work: string; bare: string };
  simulator: Simulator;
  good: GoodLedger;
  /** What the run logged, and what it returned when it finished. */
  outcome: Pick<FaultRunOutcome, 'log' | 'result'>;
  secrets: readonly string[];
  /** False where the fault itself is planted in the work tree (a symlink): HEAD is then the ledger judged. */
  workTree?: boolean;
  /** Other commits holding a ledger the run published, such as a pull request's branch in the remote. */
  alsoAt?: ReadonlyArray<{ dir: string; rev: string }>;
  github?: GitHubFake;
  githubRequests?: readonly ProxiedRequest[];
}

/** All five invariants, on HEAD and on the work tree. Returns HEAD's manifest entries. */
export async function expectInvariants(input: InvariantInput): Promise<Record<string, ManifestEntry>> {
  const { repo, simulator, good, outcome } = input;
  const head = await ledgerTreeAt(repo.work, 'HEAD');
  assertConsistentLedger(head);
  const findings = outcome.result?.findings;
  expectNothingLostNothingInvented('HEAD', head, good, simulator, findings);
  for (const { dir, rev } of input.alsoAt ?? []) {
    const tree = await ledgerTreeAt(dir, rev);
    assertConsistentLedger(tree);
    expectNothingLostNothingInvented(rev, tree, good, simulator, findings);
  }
  if (input.workTree !== false) {
    const workTree = await readTree(path.join(repo.work, 'audit'));
    assertConsistentLedger(workTree);
    expectNothingLostNothingInvented('work tree', workTree, good, simulator, findings);
  }
  // Every window this run could not fetch is recorded as failed, never as fetched.
  for (const window of outcome.result?.run.windows ?? []) {
    if (window.status === 'failed') expect(FAILED.has(window.state), `${window.date} failed but is ${window.state}`).toBe(true);
  }
  if (input.github) expectNoDuplicates(input.github);
  await expectNoSecretWritten(input.secrets, repo, { log: outcome.log, github: input.github, githubRequests: input.githubRequests });
  return windowsOf(head);
}
