// Builds the bundles the project ships: the engine (dist/engine/index.js), which holds
// every command, and the two small launchers that run the engine on a worker thread,
// dist/index.js (the action) and dist/cli/index.js (the command line). ncc's output is
// deterministic, so CI can rebuild and compare byte for byte.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeThirdPartyLicenses } from './third-party-licenses.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
for (const [entry, out] of [
  ['src/engine.ts', 'dist/engine'],
  ['src/index.ts', 'dist'],
  ['src/cli.ts', 'dist/cli'],
]) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}
writeThirdPartyLicenses(root, path.join(root, 'dist', 'engine', 'licenses.txt'));
