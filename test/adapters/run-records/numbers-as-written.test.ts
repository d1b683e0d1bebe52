// A BAD_RUN_RECORD quotes an out-of-range number exactly as the file wrote it: JSON.parse
// would turn 1e400 into Infinity (printed as null) and round a 30-digit count.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuns } from '../../../src/adapters/run-records/load.js';
import { NOW, STEP_END, STEP_START, tempRuns, writeRun, type TempRuns } from './fixtures.js';

/** A record whose text is written by hand, so numbers keep the spelling under test. */
function recordText(fields: { tokensIn?: string; tokIn?: string; start?: string; end?: string }): string {
  return `{
  "run_id": "bad",
  "steps": [
    {"step_number": 1, "tokens_in": ${fields.tokensIn ?? '0'}, "tokens_out": 0, "start_timestamp": ${fields.start ?? STEP_START}, "end_timestamp": ${fields.end ?? STEP_END}}
  ],
  "aggregate_metrics": {"TOK_IN": ${fields.tokIn ?? '0'}, "TOK_OUT": 0, "AEI": 0}
}
`;
}

const CASES = [
  { name: 'tokens_in overflowing a double', text: recordText({ tokensIn: '1e400' }), field: '/steps/0/tokens_in', shown: '1e400' },
  { name: 'a 30-digit TOK_IN', text: recordText({ tokIn: '123456789012345678901234567890' }), field: '/aggregate_metrics/TOK_IN', shown: '123456789012345678901234567890 is too large to count exactly' },
  { name: 'a count past 2^53 that a double rounds', text: recordText({ tokensIn: '9007199254740993' }), field: '/steps/0/tokens_in', shown: '9007199254740993 is too large to count exactly' },
  { name: 'a timestamp overflowing a double', text: recordText({ end: '1E+400' }), field: '/steps/0/end_timestamp', shown: '1E+400' },
  { name: 'a timestamp in milliseconds with a fraction', text: recordText({ start: '1760015386000.50' }), field: '/steps/0/start_timestamp', shown: '1760015386000.50 looks like milliseconds' },
];

describe('numbers in BAD_RUN_RECORD', () => {
  let temp: TempRuns;

  beforeEach(async () => {
    temp = await tempRuns();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it.each(CASES)('$name is shown as written', async ({ text, field, shown }) => {
    await writeRun(temp.runsDir, 'fw', 'bad', text);

    const { findings } = await loadRuns(temp.runsDir, {}, NOW);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'BAD_RUN_RECORD', figures: { field } });
    expect(findings[0]!.message).toContain(shown);
    expect(findings[0]!.message).not.toMatch(/\bnull\b|Infinity|e\+29|9007199254740992/);
  });
});
