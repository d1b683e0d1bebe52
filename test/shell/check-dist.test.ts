// The freshness check that CI and the check-dist workflow run: it must fail on a stale or
// incomplete dist/ and pass on a fresh one.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repos.js';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/check-dist.sh');

async function check(cwd: string, bundleCommand: string): Promise<{ code: number; stderr: string }> {
  try {
    await run('bash', [SCRIPT], { cwd, env: { ...process.env, BUNDLE_COMMAND: bundleCommand } });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

describe('scripts/check-dist.sh', () => {
  let repo: string;

  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'usage-ledger-dist-'));
    await gitIn(repo, ['init', '--quiet']);
    await mkdir(path.join(repo, 'dist'));
    await writeFile(path.join(repo, 'dist', 'index.js'), 'console.log(1);\n');
    await gitIn(repo, ['add', 'dist']);
    await gitIn(repo, ['commit', '--quiet', '-m', 'bundle']);
  });

  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('passes when the rebuild reproduces the committed bytes', async () => {
    expect((await check(repo, 'true')).code).toBe(0);
  });

  it('fails when the rebuild changes a committed file', async () => {
    const result = await check(repo, 'sed -i s/1/2/ dist/index.js');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dist/ does not match a fresh bundle');
  });

  it('fails when the rebuild adds a file that is not committed', async () => {
    const result = await check(repo, 'touch dist/extra.js');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dist/extra.js');
  });

  it('fails when the bundle cannot be built', async () => {
    expect((await check(repo, 'false')).code).toBe(1);
  });
});
