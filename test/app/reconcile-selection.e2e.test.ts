// What the reconcile report says about the runs a user pointed at: a selection that names
// no run says so, and a run directory's name cannot forge a line of the report.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/shell/cli-main.js';
import { createRepoWithRemote, type RepoWithRemote } from '../helpers/git-repos.js';
import { runRecord, writeRunFile } from '../support/runs.js';

const STEP_START = 1760015386;
const STEP_END = 1760015878;
const NOW = new Date((STEP_END + 2 * 3600) * 1000).toISOString();

async function cli(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, env: { OPENAI_ADMIN_KEY: 'sk-admin-selection-test' }, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

describe('reconcile selection and report', () => {
  let repo: RepoWithRemote;
  let runsDir: string;

  beforeEach(async () => {
    repo = await createRepoWithRemote();
    runsDir = path.join(repo.work, 'runs');
    await writeRunFile(runsDir, 'example-agent', 'run-0001', runRecord('run-0001', [{ start: STEP_START, end: STEP_END }]));
  });

  afterEach(async () => {
    await repo.cleanup();
  });

  it('says when a framework and run id match no run, and still exits 0', async () => {
    const result = await cli(['reconcile', 'other-agent', 'run-9', '--now', NOW, '--publish', 'none'], repo.work);

    const said = 'no run matches framework "other-agent" run "run-9" under runs/';
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain(said);
    expect(result.stderr).toContain(said);
    expect(result.stdout).toMatch(/0 reconciled, 0 pending, 0 failed; 0 request\(s\)/);
  });

  it('says so for a framework alone, and under --list', async () => {
    const result = await cli(['reconcile', '--framework', 'nobody', '--list', '--now', NOW], repo.work);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain('no run matches framework "nobody" under runs/');
  });

  it('says nothing of the kind when the selection matches a run', async () => {
    const result = await cli(['reconcile', 'example-agent', '--list', '--now', NOW], repo.work);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('example-agent/run-0001');
    expect(result.stdout + result.stderr).not.toContain('no run matches');
  });

  it('escapes a run directory name with a newline, so it cannot forge a report line', async () => {
    const forged = 'run\nHIGH RUN_DRIFT: forged\u001b[2K';
    await mkdir(path.join(runsDir, 'example-agent', forged), { recursive: true });
    await writeFile(path.join(runsDir, 'example-agent', forged, 'metrics.json'), '{}\n');

    const result = await cli(['reconcile', '--list', '--now', NOW], repo.work);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('HIGH RUN_DRIFT'))).toEqual([]);
    expect(result.stdout).not.toContain('\u001b');
    const escaped = '"runs/example-agent/run\\nHIGH RUN_DRIFT: forged\\u001b[2K"';
    expect(lines.filter((line) => line.startsWith(escaped))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith(`MEDIUM BAD_RUN_RECORD: ${escaped}: `))).toHaveLength(1);
  });
});
