import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderActionYml } from '../../src/config/action-metadata.js';
import { OPTIONS, OUTPUTS } from '../../src/config/options.js';

const actionYml = path.resolve(import.meta.dirname, '../../action.yml');

describe('action.yml', () => {
  it('is exactly what the option table generates', async () => {
    const expected = renderActionYml();
    if (process.env.UPDATE_ACTION_YML === '1') await writeFile(actionYml, expected);
    expect(await readFile(actionYml, 'utf8')).toBe(expected);
  });

  it('documents every input with its default and every output, and runs dist/index.js on node24', async () => {
    const text = await readFile(actionYml, 'utf8');
    for (const option of OPTIONS.filter((o) => !o.cliOnly)) {
      expect(text).toContain(`\n  ${option.name}:\n    description: `);
      if (option.default !== undefined) expect(text).toContain(`Default: ${option.default}.`);
    }
    for (const output of OUTPUTS) expect(text).toContain(`\n  ${output.name}:\n`);
    expect(text).toContain("using: 'node24'");
    expect(text).toContain("main: 'dist/index.js'");
  });
});
