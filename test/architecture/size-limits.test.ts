// Keeps src/ readable in one sitting: no file over 300 lines, no function over 80. Functions
// are found with the TypeScript parser, so a nested arrow or a method counts on its own.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

/** `file:line name (N lines)` for every function in `text` longer than the limit. */
export function longFunctions(file: string, text: string, limit = MAX_FUNCTION_LINES): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      // An arrow or function expression goes by the variable or property it is assigned to.
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined);
      const name = named?.getText(source) ?? '(anonymous)';
      if (lines > limit) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('size limits of src/', () => {
  const files = sourceFiles(path.join(root, 'src')).map((file) => ({ name: path.relative(root, file), text: readFileSync(file, 'utf8') }));

  it('has no file over 300 lines', () => {
    expect(files.filter((file) => lineCount(file.text) > MAX_FILE_LINES).map((file) => `${file.name} (${lineCount(file.text)} lines)`)).toEqual([]);
  });

  it('has no function over 80 lines', () => {
    expect(files.flatMap((file) => longFunctions(file.name, file.text))).toEqual([]);
  });

  it('counts a long arrow function or method, nested or not', () => {
    const body = Array.from({ length: 80 }, (_, index) => `    const v${index} = ${index};`).join('\n');
    const text = `export class A {\n  run() {\n    const inner = () => {\n${body}\n    };\n    return inner;\n  }\n}\n`;
    expect(longFunctions('a.ts', text)).toEqual(['a.ts:2 run (85 lines)', 'a.ts:3 inner (82 lines)']);
    expect(longFunctions('a.ts', 'export function short() {\n  return 1;\n}\n')).toEqual([]);
  });
});
