// Keeps the layering of docs/architecture.md true: the domain stays pure, lib stays
// general, adapters never reach into use cases or config, and no two folders of src/
// import each other in a cycle. Imports are read with a regex, which is enough for the
// project's own style (static `from '...'`, `import '...'` and `import('...')`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'src');

interface Import {
  from: string; // importer, relative to src/
  /** A `node:` or package name, or for a relative import a path relative to src/ (may start with ../). */
  target: string;
  local: boolean;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:\bimport\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(type\s+)?[\w*{}\s,$]*?\s+from\s+|\bimport\s*\(\s*)(['"])([^'"]+)\3/g;

/** Every import of every file under `dir` (src/ unless a test asks for another tree). */
function readImports(dir: string = src): Import[] {
  return sourceFiles(dir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const from = path.relative(dir, file).split(path.sep).join('/');
    return [...text.matchAll(IMPORT)].map((match): Import => {
      const specifier = match[4] ?? '';
      const typeOnly = Boolean(match[1] ?? match[2]);
      const local = specifier.startsWith('.');
      const target = local ? path.relative(dir, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/') : specifier;
      return { from, target, local, typeOnly };
    });
  });
}

/** The first path segment under src/: a folder, or a file at the top (ports.ts, main.ts). */
const segment = (relativePath: string) => relativePath.split('/')[0] ?? relativePath;
const within = (target: string, ...folders: string[]) => folders.some((folder) => target.startsWith(`${folder}/`));

const DOMAIN_NODE_MODULES = new Set(['node:crypto', 'node:buffer', 'node:util']);

/** What the rules say about one set of imports; an empty list means the layering holds. */
function layeringViolations(imports: Import[]): string[] {
  const problems: string[] = [];
  for (const { from, target, local, typeOnly } of imports) {
    const say = (rule: string) => problems.push(`${from} imports ${target}: ${rule}`);
    if (within(from, 'domain')) {
      if (target.startsWith('node:')) {
        if (!DOMAIN_NODE_MODULES.has(target)) say('the domain does no I/O');
      } else if (!local) say('the domain uses no package');
      else if (target === 'ports.js') {
        if (!typeOnly) say('the domain may only name the ports as types');
      } else if (!within(target, 'domain', 'lib')) say('the domain imports only the domain and lib');
    }
    if (within(from, 'lib') && !target.startsWith('node:') && !(local && within(target, 'lib'))) {
      say('lib imports only lib and node: modules');
    }
    if (within(from, 'adapters') && local && within(target, 'app', 'config')) {
      say('adapters import no use case and no config');
    }
  }
  return problems;
}

/** A cycle in the folder-level graph of src/, as a list of segments, or undefined. */
function folderCycle(imports: Import[]): string[] | undefined {
  const edges = new Map<string, Set<string>>();
  for (const { from, target, local } of imports) {
    if (!local || target.startsWith('..')) continue;
    const a = segment(from);
    const b = segment(target);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)?.add(b);
  }
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'open');
    trail.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('layering of src/', () => {
  const imports = readImports();

  it('reads the imports it checks', () => {
    expect(imports.some((entry) => entry.from.startsWith('domain/'))).toBe(true);
    expect(imports.some((entry) => entry.from.startsWith('adapters/'))).toBe(true);
  });

  it('keeps the domain pure, lib general and adapters free of use cases', () => {
    expect(layeringViolations(imports)).toEqual([]);
  });

  it('has no cycle between the folders of src/', () => {
    expect(folderCycle(imports)?.join(' → ')).toBeUndefined();
  });

  it('notices a violation of each rule', () => {
    const planted: Import[] = [
      { from: 'domain/records.ts', target: 'adapters/ledger-fs/store.js', local: true, typeOnly: false },
      { from: 'domain/records.ts', target: 'node:fs', local: false, typeOnly: false },
      { from: 'domain/records.ts', target: 'ports.js', local: true, typeOnly: false },
      { from: 'lib/json/json.ts', target: 'domain/decimal.js', local: true, typeOnly: false },
      { from: 'adapters/git/commit.ts', target: 'app/publish-run.js', local: true, typeOnly: true },
    ];
    expect(layeringViolations(planted)).toHaveLength(planted.length);
    expect(layeringViolations([{ from: 'domain/records.ts', target: 'ports.js', local: true, typeOnly: true }])).toEqual([]);
    const cyclic: Import[] = [
      { from: 'app/a.ts', target: 'shell/b.js', local: true, typeOnly: false },
      { from: 'shell/b.ts', target: 'app/a.js', local: true, typeOnly: false },
    ];
    expect(folderCycle(cyclic)).toEqual(['app', 'shell', 'app']);
  });
});
