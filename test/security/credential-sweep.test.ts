// The sweep every test repository passes at cleanup must see a credential, and must not
// mistake the masked form or an ordinary word for one.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCredentialShapes } from '../support/secret-scan.js';

describe('the credential sweep', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'usage-ledger-sweep-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds keys and tokens, whole or in part, and passes masked ones and git internals', async () => {
    await mkdir(path.join(dir, 'audit'), { recursive: true });
    await writeFile(path.join(dir, 'audit', 'manifest.json'), '{"message": "Incorrect API key provided: sk-admin-SECq…7f3a9c"}');
    await writeFile(path.join(dir, 'log.txt'), 'token ghs_R8xKq2ZtLm and a masked sk-admin-*** and task-admin-ok');
    await mkdir(path.join(dir, 'remote.git'));
    await writeFile(path.join(dir, 'remote.git', 'config'), 'sk-proj-inside-git-is-not-read');

    const found = await findCredentialShapes(dir);

    expect(found.sort()).toEqual([`${path.join(dir, 'audit', 'manifest.json')}: sk-admin-SECq`, `${path.join(dir, 'log.txt')}: ghs_R8xKq2ZtLm`].sort());
  });
});
