// A symbolic link inside the audit directory is never followed: the run stops with exit 1
// naming the link, before it writes anything, and nothing lands where the link points.

import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedgerStore } from '../../../src/adapters/ledger-fs/store.js';
import { LedgerSymlinkError } from '../../../src/adapters/ledger-fs/no-symlinks.js';
import { main } from '../../../src/shell/cli-main.js';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { createRepoWithRemote, gitIn, type RepoWithRemote } from '../../helpers/git-repos.js';
import { readTree } from '../../support/ledger-run.js';

const NOW = '2026-11-22T06:30:00Z';

async function sync(cwd: string, url: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(['sync', '--openai-base-url', url, '--now', NOW], {
    cwd,
    env: { OPENAI_ADMIN_KEY: 'sk-admin-symlink-test' },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Regular files only: the link itself is not read. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('symbolic links inside the audit directory', () => {
  let repo: RepoWithRemote;
  let simulator: Simulator;
  let outside: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    simulator = await startSimulator({ now: () => new Date(NOW) });
    outside = await mkdtemp(path.join(tmpdir(), 'usage-ledger-elsewhere-'));
  });

  afterEach(async () => {
    await simulator.close();
    await repo.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  it.each([
    ['a month directory of snapshots', 'snapshots/openai/2026-11'],
    ['a raw day directory', 'raw/openai/2026-11-20'],
    ['the diffs directory', 'diffs'],
    ['the manifest', 'manifest.json'],
  ])('refuses %s that is a link: exit 1 naming it, nothing written anywhere', async (_what, linked) => {
    const audit = path.join(repo.work, 'audit');
    const link = path.join(audit, linked);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(outside, 'target'), link);
    const head = await gitIn(repo.work, ['rev-parse', 'HEAD']);

    const result = await sync(repo.work, simulator.url);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${link} is a symbolic link inside the audit directory`);
    expect(await readTree(outside)).toEqual(new Map());
    expect(await filesBelow(audit)).toEqual([]);
    expect(await gitIn(repo.work, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('refuses a link that appears after the run started, at the write that would follow it', async () => {
    const audit = path.join(repo.work, 'audit');
    const store = createLedgerStore(audit);
    await store.assertNoSymlinks();
    await mkdir(path.join(audit, 'snapshots', 'openai'), { recursive: true });
    await symlink(outside, path.join(audit, 'snapshots', 'openai', '2026-11'));

    const write = store.writePrepared({ relative: 'snapshots/openai/2026-11/2026-11-20.json', bytes: Buffer.from('{}\n') });

    await expect(write).rejects.toBeInstanceOf(LedgerSymlinkError);
    expect(await readTree(outside)).toEqual(new Map());
  });
});
