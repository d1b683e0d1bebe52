import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS, OUTPUTS } from '../../src/config/options.js';
import { renderInputsTable, renderOutputsTable, withGeneratedTables } from '../../src/config/readme-tables.js';

const readmePath = path.resolve(import.meta.dirname, '../../README.md');

describe("the README's inputs and outputs tables", () => {
  it('are exactly what the option table generates', async () => {
    const readme = await readFile(readmePath, 'utf8');
    const expected = withGeneratedTables(readme);
    if (process.env.UPDATE_README === '1') await writeFile(readmePath, expected);
    expect(await readFile(readmePath, 'utf8')).toBe(expected);
  });

  it('have one row per action input and per output', () => {
    const inputRows = renderInputsTable().split('\n').filter((line) => line.startsWith('| `'));
    expect(inputRows.map((row) => row.split(' | ')[0]!.slice(3, -1))).toEqual(OPTIONS.filter((o) => !o.cliOnly).map((o) => o.name));
    const outputRows = renderOutputsTable().split('\n').filter((line) => line.startsWith('| `'));
    expect(outputRows.map((row) => row.split(' | ')[0]!.slice(3, -1))).toEqual(OUTPUTS.map((o) => o.name));
  });

  it('give each input its flag, or for a secret the environment variables it is read from', () => {
    const table = renderInputsTable();
    expect(table).toContain('| `days` | `--days` | `7` |');
    expect(table).toContain('| `openai-admin-key` | environment `OPENAI_ADMIN_KEY` or `OPENAI_API_KEY_USAGE_TRACKING` |  |');
    expect(table).toContain('| `command` | the command word | `sync` |');
    expect(table).toContain('runs/&lt;framework&gt;/&lt;run_id&gt;/metrics.json');
  });

  it('replace only what lies between the markers', () => {
    const readme = 'before\n<!-- inputs:start -->\nSTALE TABLE\n<!-- inputs:end -->\nmiddle\n<!-- outputs:start -->\n<!-- outputs:end -->\nafter\n';
    const updated = withGeneratedTables(readme);
    expect(updated.startsWith('before\n<!-- inputs:start -->\n<!-- generated')).toBe(true);
    expect(updated).toContain('\n<!-- inputs:end -->\nmiddle\n<!-- outputs:start -->\n');
    expect(updated.endsWith('\n<!-- outputs:end -->\nafter\n')).toBe(true);
    expect(updated).not.toContain('STALE TABLE');
    expect(withGeneratedTables(updated)).toBe(updated);
  });

  it('refuse a README without the markers', () => {
    expect(() => withGeneratedTables('# no markers\n')).toThrow(/<!-- inputs:start -->/);
  });
});
