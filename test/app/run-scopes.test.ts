import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveScopeMap, scopeKey } from '../../src/app/run-scopes.js';
import { UsageError } from '../../src/errors.js';

describe('resolveScopeMap', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'usage-ledger-scopes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads inline pairs of keys and projects', async () => {
    const map = await resolveScopeMap('chatdev=key_abc, metagpt=proj_xyz', dir);
    expect(Object.fromEntries(map)).toEqual({ chatdev: { api_key_id: 'key_abc' }, metagpt: { project_id: 'proj_xyz' } });
    expect(scopeKey(map.get('chatdev')!)).toBe('api_key_id:key_abc');
    expect(scopeKey(null)).toBe('organization');
  });

  it('reads a JSON file relative to the working directory', async () => {
    await writeFile(path.join(dir, 'scopes.json'), JSON.stringify({ chatdev: { api_key_id: 'key_abc' }, metagpt: 'proj_xyz' }));
    const map = await resolveScopeMap('scopes.json', dir);
    expect(Object.fromEntries(map)).toEqual({ chatdev: { api_key_id: 'key_abc' }, metagpt: { project_id: 'proj_xyz' } });
  });

  it.each([
    ['chatdev=sk-live-123', /API key id \(key_\.\.\.\) or a project id/],
    ['chatdev', /cannot be read/],
    ['chatdev=key_a=b', /framework=scope pairs/],
  ])('rejects %j naming run-scopes', async (text, message) => {
    const error = await resolveScopeMap(text, dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).input).toBe('run-scopes');
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a JSON file that is not an object of scopes', async () => {
    await writeFile(path.join(dir, 'bad.json'), '["key_abc"]');
    await expect(resolveScopeMap('bad.json', dir)).rejects.toThrow(/must hold an object/);
    await writeFile(path.join(dir, 'broken.json'), '{');
    await expect(resolveScopeMap('broken.json', dir)).rejects.toThrow(/not valid JSON/);
  });
});
