// serializeRun takes a shortcut (JSON.stringify) when the file is laid out the way
// JSON.stringify would write it. Whatever the file and the update, the shortcut must give
// exactly what the source-tree path gives; these cases are built to hit both sides of
// every condition it checks: layouts, literals, key order, keys added, removed and moved.

import { describe, expect, it } from 'vitest';
import { serializeRun, serializeRunBySourceTree } from '../../src/runs/serialize.js';
import type { RunRecord } from '../../src/runs/index.js';
import { seededRandom } from '../support/seeded-random.js';

const KEYS = ['run_id', 'steps', 'aggregate_metrics', 'b', 'a', '10', '2', 'note', 'usage_api_reconciliation'];
const SCALARS: unknown[] = [0, 7, -3, 1.5, 0.1, 1e21, 'x', 'caf\u00e9', 'line\nbreak', true, false, null];

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 2 || roll < 0.5) return SCALARS[Math.floor(random() * SCALARS.length)];
  if (roll < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (random() < 0.35) object[key] = randomValue(random, depth + 1);
  return object;
}

/** A changed copy: values replaced, keys removed, added, or the whole object rebuilt in another order. */
function randomUpdate(random: () => number, value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => (random() < 0.3 ? randomValue(random, depth + 1) : randomUpdate(random, item, depth + 1)));
  if (typeof value !== 'object' || value === null) return random() < 0.2 ? randomValue(random, depth) : value;
  const entries = Object.entries(value).filter(() => random() > 0.15);
  const changed = entries.map(([key, item]) => [key, randomUpdate(random, item, depth + 1)] as const);
  if (random() < 0.3) changed.push(['added_' + Math.floor(random() * 3), randomValue(random, depth + 1)]);
  if (random() < 0.15) changed.reverse();
  if (random() < 0.1) changed.push(['skipped', undefined]);
  return Object.fromEntries(changed);
}

/** The original as a runner might have written it: several indentations, line endings and literals. */
function randomText(random: () => number, value: unknown): string {
  const indent = [2, 4, '\t', undefined][Math.floor(random() * 4)];
  let text = JSON.stringify(value, null, indent);
  if (random() < 0.2) text = text.replace(/: 0\.1\b/, ': 0.10');
  if (random() < 0.2) text = text.replaceAll('\u00e9', '\\u00e9');
  if (random() < 0.1 && indent === undefined) text = text.replaceAll(',"', ', "');
  if (random() < 0.3) text = text.replaceAll('\n', '\r\n');
  return (random() < 0.2 ? '\uFEFF' : '') + text + (random() < 0.7 ? (text.includes('\r\n') ? '\r\n' : '\n') : '');
}

describe('serializeRun shortcut', () => {
  it('always agrees with the source-tree path', () => {
    const random = seededRandom(20_251_009);
    let cases = 0;
    for (let round = 0; round < 3_000; round += 1) {
      const original = { run_id: 'r', ...(randomValue(random, 0) as object) };
      const text = randomText(random, original);
      const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as RunRecord;
      const updated = randomUpdate(random, parsed, 0) as RunRecord;
      expect(serializeRun(text, updated), `case ${round}: ${text}`).toBe(serializeRunBySourceTree(text, updated));
      cases += 1;
    }
    expect(cases).toBe(3_000);
  });

  it('keeps the file order of a block whose keys the update lists in another order', () => {
    const text = `${JSON.stringify({ run_id: 'r', block: { status: 'success', total: 1 } }, null, 2)}\n`;
    const updated = { run_id: 'r', block: { total: 2, status: 'success', extra: true } } as unknown as RunRecord;

    expect(serializeRun(text, updated)).toBe(`${JSON.stringify({ run_id: 'r', block: { status: 'success', total: 2, extra: true } }, null, 2)}\n`);
  });
});
