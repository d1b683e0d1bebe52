// The audit directory as a commit holds it, read with three git processes whatever its size:
// the fault matrix reads a ledger back after every row, and one `git cat-file` per file
// (as treeAtCommit does) costs more than the fault itself. Same shape as treeAtCommit.

import { spawn } from 'node:child_process';
import { gitIn } from '../helpers/git-repos.js';

/** Every blob named by `specs` (`rev:path`), in order, via one `git cat-file --batch`. */
function catFileBatch(dir: string, specs: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file --batch failed in ${dir} (exit ${code}): ${stderr}`));
      const out = Buffer.concat(chunks);
      const blobs: Buffer[] = [];
      let at = 0;
      for (const spec of specs) {
        const headerEnd = out.indexOf(0x0a, at);
        const header = out.subarray(at, headerEnd).toString('utf8');
        const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
        if (match === null) return reject(new Error(`cannot read ${spec}: ${header}`));
        const start = headerEnd + 1;
        const end = start + Number(match[1]);
        blobs.push(out.subarray(start, end));
        at = end + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(specs.map((spec) => `${spec}\n`).join(''));
  });
}

/** Every file of the audit directory at `rev`, path relative to the directory. */
export async function ledgerTreeAt(dir: string, rev: string, auditPath = 'audit'): Promise<Map<string, string>> {
  const commit = await gitIn(dir, ['rev-parse', '--verify', `${rev}^{commit}`]);
  const listed = (await gitIn(dir, ['ls-tree', '-r', '--name-only', '-z', commit, '--', auditPath])).split('\0').filter((name) => name !== '');
  const blobs = await catFileBatch(dir, listed.map((file) => `${commit}:${file}`));
  return new Map(listed.map((file, index) => [file.slice(auditPath.length + 1), blobs[index]!.toString('utf8')]));
}
