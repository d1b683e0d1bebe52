// What "a consistent ledger" means, checked on what a commit holds or on the work tree:
// every JSON file validates against its schema, and every manifest entry with content
// names a snapshot that exists and whose sha256 is the one recorded.

import { createHash } from 'node:crypto';
import { assertValid, type LedgerFileKind } from '../../src/adapters/ledger-fs/schema-validator.js';
import { gitIn, tryGitIn } from '../helpers/git-repos.js';
import { readTree } from './ledger-run.js';

function kindOf(file: string): LedgerFileKind {
  if (file === 'manifest.json') return 'manifest';
  return file.split('/')[0]!.replace(/s$/, '') as LedgerFileKind;
}

/** Every file of the audit directory as a commit holds it, path relative to the directory. */
export async function treeAtCommit(work: string, rev: string, auditPath = 'audit'): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const listed = await gitIn(work, ['ls-tree', '-r', '--name-only', '-z', rev, '--', auditPath]);
  for (const file of listed.split('\0').filter((name) => name !== '')) {
    const blob = await tryGitIn(work, ['cat-file', 'blob', `${rev}:${file}`]);
    if (blob.exitCode !== 0) throw new Error(`cannot read ${file} at ${rev}: ${blob.stderr}`);
    files.set(file.slice(auditPath.length + 1), blob.stdout);
  }
  return files;
}

/** Throws, naming the file, unless the ledger in `tree` is consistent. Returns the manifest. */
export function assertConsistentLedger(tree: ReadonlyMap<string, string>): { windows: Record<string, Record<string, { sha256: string | null; state: string }>> } {
  for (const [file, text] of tree) if (file !== 'README.md') assertValid(kindOf(file), JSON.parse(text), file);
  const manifestText = tree.get('manifest.json');
  if (manifestText === undefined) {
    if ([...tree.keys()].some((file) => file.startsWith('snapshots/'))) throw new Error('snapshots without a manifest');
    return { windows: {} };
  }
  const manifest = JSON.parse(manifestText);
  for (const [provider, days] of Object.entries<Record<string, { sha256: string | null }>>(manifest.windows)) {
    for (const [date, entry] of Object.entries(days)) {
      if (entry.sha256 === null) continue;
      const file = `snapshots/${provider}/${date.slice(0, 7)}/${date}.json`;
      const text = tree.get(file);
      if (text === undefined) throw new Error(`manifest entry ${provider} ${date} names ${file}, which is not there`);
      const hash = createHash('sha256').update(text).digest('hex');
      if (hash !== entry.sha256) throw new Error(`${file} has sha256 ${hash}, the manifest says ${entry.sha256}`);
    }
  }
  return manifest;
}

export async function assertConsistentWorkTree(auditDir: string) {
  return assertConsistentLedger(await readTree(auditDir));
}
