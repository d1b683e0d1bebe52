// Nothing outside the runs directory is ever read or reached: links are reported and not
// followed, unsafe directory names are reported, and unsafe filters are refused.

import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { UnsafeRunPathError } from '../../../src/adapters/run-records/paths.js';
import { NOW, tempRuns, validRecord, writeRun, type TempRuns } from './fixtures.js';

describe('run paths', () => {
  let temp: TempRuns;
  /** A valid run outside the runs directory: outside/fw/<id>/metrics.json. */
  let outside: string;

  beforeEach(async () => {
    temp = await tempRuns();
    outside = path.join(temp.base, 'outside');
    await writeRun(outside, 'fw', 'escaped', validRecord('escaped'));
    await writeRun(temp.runsDir, 'fw', 'good', validRecord('good'));
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  async function expectOnlyGoodAnd(relativePath: string, reason: RegExp) {
    const secret = path.join(outside, 'fw', 'escaped', 'metrics.json');
    const before = await readFile(secret);
    const result = await loadRuns(temp.runsDir, {}, NOW);
    expect(result.runs.map((run) => run.relativePath)).toEqual(['runs/fw/good/metrics.json']);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ code: 'BAD_RUN_RECORD', figures: { file: relativePath, field: null } });
    expect(result.findings[0]!.message).toMatch(reason);
    expect(await readFile(secret)).toEqual(before);
  }

  it('reports a framework directory that is a link outside, and does not read it', async () => {
    await symlink(path.join(outside, 'fw'), path.join(temp.runsDir, 'linked'));
    await expectOnlyGoodAnd('runs/linked', /symbolic link.*not read/);
  });

  it('reports a run directory that is a link outside, and does not read it', async () => {
    await symlink(path.join(outside, 'fw', 'escaped'), path.join(temp.runsDir, 'fw', 'escaped'));
    await expectOnlyGoodAnd('runs/fw/escaped', /symbolic link/);
  });

  it('reports a metrics.json that is a link outside, and does not read it', async () => {
    await mkdir(path.join(temp.runsDir, 'fw', 'escaped'));
    await symlink(path.join(outside, 'fw', 'escaped', 'metrics.json'), path.join(temp.runsDir, 'fw', 'escaped', 'metrics.json'));
    await expectOnlyGoodAnd('runs/fw/escaped/metrics.json', /symbolic link/);
  });

  it('does not follow a link even when it points inside the runs directory', async () => {
    await symlink(path.join(temp.runsDir, 'fw', 'good'), path.join(temp.runsDir, 'fw', 'alias'));
    const result = await loadRuns(temp.runsDir, {}, NOW);
    expect(result.runs.map((run) => run.runId)).toEqual(['good']);
    expect(result.findings.map((finding) => finding.figures.file)).toEqual(['runs/fw/alias']);
  });

  it('reports a metrics.json that is not a regular file', async () => {
    await mkdir(path.join(temp.runsDir, 'fw', 'odd', 'metrics.json'), { recursive: true });
    const result = await loadRuns(temp.runsDir, {}, NOW);
    expect(result.findings.map((finding) => [finding.figures.file, finding.message])).toEqual([
      ['runs/fw/odd/metrics.json', expect.stringMatching(/is not a regular file/)],
    ]);
  });

  it.each([
    ['a framework name with a space', 'my framework', 'good', 'runs/my framework', /not a safe framework name/],
    ['a framework name starting with a hyphen', '-rf', 'good', 'runs/-rf', /not a safe framework name/],
    ['a run id with a non-ASCII letter', 'fw', 'rün', 'runs/fw/rün', /not a safe run id name/],
  ])('reports %s without reading it', async (_name, framework, runId, relativePath, reason) => {
    await writeRun(temp.runsDir, framework, runId, validRecord(runId));
    const result = await loadRuns(temp.runsDir, {}, NOW);
    expect(result.runs.map((run) => run.relativePath)).toEqual(['runs/fw/good/metrics.json']);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ figures: { file: relativePath, field: null } });
    expect(result.findings[0]!.message).toMatch(reason);
  });

  it.each([
    ['framework', { framework: '..' }],
    ['framework', { framework: '../outside' }],
    ['framework', { framework: '/etc' }],
    ['framework', { framework: 'fw/good' }],
    ['framework', { framework: '.hidden' }],
    ['framework', { framework: '' }],
    ['run-id', { runId: '..' }],
    ['run-id', { runId: 'a\\b' }],
    ['run-id', { runId: '../../etc/passwd' }],
  ])('refuses an unsafe %s filter %j before touching the disk', async (input, filter) => {
    const attempt = loadRuns(path.join(temp.base, 'does-not-exist'), filter, NOW);
    await expect(attempt).rejects.toBeInstanceOf(UnsafeRunPathError);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(new RegExp(`^${input}: .* is not a safe name`));
  });
});
