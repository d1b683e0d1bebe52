// The good ledger every row starts from: one clean sync against a fault-free simulator,
// committed and pushed once per file, then cloned (remote and checkout) for each row, so a
// row pays for its fault and not for the clean days before it.

import { mkdtemp, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ManifestEntry } from '../../src/domain/window-state.js';
import { startSimulator } from '../../src/simulator/index.js';
import { createRepoWithRemote, gitIn } from '../helpers/git-repos.js';
import { ledgerTreeAt } from '../support/fault-commit-tree.js';
import { assertConsistentLedger } from '../support/ledger-consistency.js';
import { runLedger } from '../support/ledger-run.js';

export const NOW = new Date('2026-11-22T06:30:00Z');
/**
 * Completions (where the faults are injected) and costs (the money) over five days: two
 * provisional, three settled, and the day the scenarios repeat is not the first of the
 * page. The other usage endpoints and days would only add files to read back.
 */
export const MATRIX_FLAGS = { endpoints: 'completions,costs', days: '5' };

/** The ledger as committed before the fault: the files of audit/ and its manifest entries. */
export interface GoodLedger {
  tree: Map<string, string>;
  windows: Record<string, ManifestEntry>;
}

export interface Repo {
  work: string;
  bare: string;
  cloneAnother(): Promise<string>;
  cleanup(): Promise<void>;
}

export interface GoodLedgerTemplate {
  good: GoodLedger;
  /** A fresh remote holding the good ledger, and a checkout of it. */
  clone(): Promise<Repo>;
  cleanup(): Promise<void>;
}

async function readGoodLedger(work: string): Promise<GoodLedger> {
  const tree = await ledgerTreeAt(work, 'HEAD');
  const manifest = assertConsistentLedger(tree) as unknown as { windows: Record<string, Record<string, ManifestEntry>> };
  return { tree, windows: manifest.windows.openai ?? {} };
}

export async function goodLedgerTemplate(): Promise<GoodLedgerTemplate> {
  const template = await createRepoWithRemote();
  const simulator = await startSimulator({ now: () => NOW });
  try {
    await runLedger('sync', { cwd: template.work, baseUrl: simulator.url, now: NOW, flags: MATRIX_FLAGS });
  } finally {
    await simulator.close();
  }
  const good = await readGoodLedger(template.work);
  return {
    good,
    async clone() {
      const base = realpathSync(await mkdtemp(path.join(tmpdir(), 'usage-ledger-fault-')));
      const bare = path.join(base, 'remote.git');
      const work = path.join(base, 'work');
      await gitIn(base, ['clone', '--quiet', '--bare', template.bare, bare]);
      await gitIn(base, ['clone', '--quiet', bare, work]);
      let clones = 0;
      return {
        work,
        bare,
        async cloneAnother() {
          const dir = path.join(base, `clone-${++clones}`);
          await gitIn(base, ['clone', '--quiet', bare, dir]);
          return dir;
        },
        cleanup: () => rm(base, { recursive: true, force: true }),
      };
    },
    cleanup: () => template.cleanup(),
  };
}
