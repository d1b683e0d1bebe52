// The command line as a user meets it: exit codes, messages that name the input, and
// nothing written when the input is bad.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/shell/cli-main.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../helpers/git-repos.js';
import { readTree } from '../support/ledger-run.js';

const NOW = '2026-11-22T06:30:00Z';

async function cli(argv: string[], cwd: string, env: Record<string, string> = { OPENAI_ADMIN_KEY: 'sk-admin-cli-secret' }) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

describe('usage-ledger CLI', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    simulator = await startSimulator({ now: () => new Date(NOW) });
  });

  afterEach(async () => {
    await simulator.close();
    await repo.cleanup();
  });

  it('syncs, prints one line per window and exits 0', async () => {
    const result = await cli(['sync', '--openai-base-url', simulator.url, '--now', NOW], repo.work);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/openai 2026-11-22 +provisional new/);
    expect(result.stdout).toMatch(/7 window\(s\), \d+ file\(s\) written, 11 request\(s\), commit [0-9a-f]{12}/);
    expect(result.stdout + result.stderr).not.toContain('sk-admin-cli-secret');
  });

  it('--dry-run fetches and reports but writes and commits nothing', async () => {
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);
    const result = await cli(['sync', '--dry-run', '--openai-base-url', simulator.url, '--now', NOW], repo.work);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/openai 2026-11-16 +settled +new/);
    expect(await readTree(path.join(repo.work, 'audit'))).toEqual(new Map());
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it.each([
    [['sync', '--days', 'seven'], /^usage-ledger: days: expected a whole number/],
    [['backfill', '--start-date', '2026-11-20', '--end-date', '2026-11-30', '--now', NOW], /^usage-ledger: end-date: .* is after today/],
    [['sync', '--providers', 'openai,mistral'], /^usage-ledger: providers: unknown value "mistral"/],
    [['sync', '--frobnicate'], /^usage-ledger: --frobnicate: unknown flag/],
    [['sync', '--openai-admin-key', 'sk-admin-x'], /^usage-ledger: --openai-admin-key: secrets are never passed as flags/],
    [['sync', '--now', 'noon'], /^usage-ledger: now: expected an ISO 8601 time/],
    [['frobnicate'], /^usage-ledger: command: expected one of/],
  ])('exits 2 naming the input for %j', async (argv, message) => {
    const result = await cli(argv as string[], repo.work);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(simulator.requestLog).toHaveLength(0);
  });

  it('exits 2 without a key, naming where to put it', async () => {
    const result = await cli(['sync', '--openai-base-url', simulator.url], repo.work, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/openai-admin-key: no OpenAI admin key: set OPENAI_ADMIN_KEY/);
  });

  it('exits 2 when --audit-dir is a file or outside the repository, and touches neither', async () => {
    await writeFile(path.join(repo.work, 'ledger.txt'), 'not a directory\n');
    const asFile = await cli(['sync', '--audit-dir', 'ledger.txt', '--openai-base-url', simulator.url], repo.work);
    expect(asFile.code).toBe(2);
    expect(asFile.stderr).toMatch(/audit-dir: .*ledger\.txt is a file/);

    const outside = await mkdtemp(path.join(tmpdir(), 'usage-ledger-outside-'));
    try {
      const escaped = await cli(['sync', '--audit-dir', outside, '--openai-base-url', simulator.url], repo.work);
      expect(escaped.code).toBe(2);
      expect(escaped.stderr).toMatch(/audit-dir: .* resolves outside the repository/);
      await symlink(outside, path.join(repo.work, 'linked-audit'));
      const linked = await cli(['sync', '--audit-dir', 'linked-audit', '--openai-base-url', simulator.url], repo.work);
      expect(linked.code).toBe(2);
      expect(linked.stderr).toMatch(/resolves outside the repository/);
      expect(await readTree(outside)).toEqual(new Map());
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    expect(simulator.requestLog).toHaveLength(0);
  });

  it('exits 2 when --audit-dir or --runs-dir points into the git directory, and writes nothing there', async () => {
    const gitDir = path.join(repo.work, '.git');
    const before = await readTree(gitDir);
    await symlink(gitDir, path.join(repo.work, 'meta'));
    for (const argv of [
      ['sync', '--audit-dir', '.git'],
      ['sync', '--audit-dir', '.git/ledger'],
      ['sync', '--audit-dir', 'meta/refs'],
      ['reconcile', '--runs-dir', '.git'],
    ]) {
      const result = await cli([...argv, '--openai-base-url', simulator.url, '--now', NOW], repo.work);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^usage-ledger: ${argv[1]?.slice(2)}: .*git directory`));
    }
    expect(await readTree(gitDir)).toEqual(before);
    expect(simulator.requestLog).toHaveLength(0);
  });

  it('exits 2 on a key without the usage scope, says what key is needed, and writes nothing', async () => {
    const result = await cli(['sync', '--openai-base-url', simulator.url, '--now', NOW], repo.work, { OPENAI_ADMIN_KEY: 'sk-proj-ordinary-key' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/admin key with the api\.usage\.read scope/);
    expect(result.stderr).not.toContain('sk-proj-ordinary-key');
    expect(await readTree(path.join(repo.work, 'audit'))).toEqual(new Map());
    expect(simulator.requestLog.length).toBeGreaterThan(0);
  });

  it('exits 1, leaving the file byte-identical, when the manifest cannot be parsed', async () => {
    await mkdir(path.join(repo.work, 'audit'));
    await writeFile(path.join(repo.work, 'audit', 'manifest.json'), '{ not json');
    const result = await cli(['sync', '--openai-base-url', simulator.url, '--now', NOW], repo.work);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/manifest\.json: it is not valid JSON; the file was left as it is/);
    expect(await readTree(path.join(repo.work, 'audit'))).toEqual(new Map([['manifest.json', '{ not json']]));
  });

  it('prints help naming every command and exits 0', async () => {
    const result = await cli(['--help'], repo.work);
    expect(result.code).toBe(0);
    for (const command of ['sync', 'backfill', 'reconcile', 'simulate', 'demo']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it("prints a command's own help with its flags, from --help or the help word", async () => {
    for (const argv of [['backfill', '--help'], ['help', 'backfill']]) {
      const result = await cli(argv, repo.work);
      expect(result.code).toBe(0);
      for (const flag of ['--audit-dir', '--days', '--settle-days', '--start-date', '--publish', '--now', '--openai-base-url']) expect(result.stdout).toContain(flag);
      expect(result.stdout).not.toContain('--openai-admin-key');
      expect(result.stdout).not.toContain('--min-age');
    }
  });

  it('exits 2 on help for an unknown command', async () => {
    const result = await cli(['help', 'sink'], repo.work);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "sink"/);
  });
});
