// The notice file shipped beside the engine bundle: every package the bundle may contain,
// with its license and the license text it ships. ncc's own notice file leaves out the
// packages it bundles as ES modules (Octokit, undici, zod, ajv, ...), so it is replaced by
// this list of every production package in package-lock.json, which is deterministic.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

function licenseText(dir) {
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).filter((name) => LICENSE_FILE.test(name)).sort()[0];
  return file === undefined ? undefined : readFileSync(path.join(dir, file), 'utf8').trim();
}

/** Writes `out` from the production packages of `root`'s package-lock.json. */
export function writeThirdPartyLicenses(root, out) {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const entries = new Map();
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.dev) continue;
    const dir = path.join(root, location);
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const key = `${name}@${entry.version}`;
    if (entries.has(key)) continue;
    const text = licenseText(dir) ?? '(no license file in the package)';
    entries.set(key, `${name} ${entry.version}\n${entry.license ?? 'UNKNOWN'}\n${text}`);
  }
  const sorted = [...entries.keys()].sort().map((key) => entries.get(key));
  writeFileSync(out, `${sorted.join('\n\n')}\n`);
}
