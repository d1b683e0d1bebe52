// The pool of day builder threads: answers go to the build that asked, whatever order they
// come back in; a build's error fails that build; a thread that dies fails every build
// still waiting, and the pool.

import { describe, expect, it } from 'vitest';
import type { DayJob } from '../../src/commands/build-day.js';
import { builderLimits, threadDayBuilder } from '../../src/commands/day-builders.js';
import type { BucketCheckRequest } from '../../src/providers/openai/bucket-check.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const job = (date: string): DayJob => ({
  parts: { provider: 'openai', date, endpoints: [] },
  origin: 'simulator',
  endpoints: [],
  groupBy: {},
  previous: undefined,
  provisional: false,
  nowIso: '2026-11-22T06:30:00.000Z',
  auditDir: '/nonexistent',
});

describe('threadDayBuilder', () => {
  it('hands each build the answer to its own job, with two threads answering out of order', async () => {
    const builder = threadDayBuilder(fixture('echo-builder.mjs'), 2, builderLimits({}));
    try {
      expect(builder.capacity).toBe(3);
      const dates = ['2026-10-01', '2026-10-20', '2026-10-05', '2026-10-28', '2026-10-02'];
      const built = await Promise.all(dates.map((date) => builder.build(job(date))));
      expect(built.map((day) => day.window.date)).toEqual(dates);
    } finally {
      await builder.close();
    }
  });

  it("fails the build whose day could not be built with the builder's error, and goes on with the others", async () => {
    const builder = threadDayBuilder(fixture('echo-builder.mjs'), 1, builderLimits({}));
    try {
      const failing = builder.build(job('2026-10-13'));
      const next = builder.build(job('2026-10-14'));
      await expect(failing).rejects.toMatchObject({ name: 'SchemaViolationError', message: 'snapshots/2026-10-13.json: no good' });
      expect((await next).window.date).toBe('2026-10-14');
    } finally {
      await builder.close();
    }
  });

  it('checks buckets on free threads only, a few at a time, with builds first', async () => {
    const builder = threadDayBuilder(fixture('echo-builder.mjs'), 2, builderLimits({}));
    const check = (bytes: Uint8Array, pack = true): BucketCheckRequest => ({ endpoint: 'costs', bytes, plainNumbers: false, index: 0, pack });
    try {
      const checker = builder.checker as NonNullable<typeof builder.checker>;
      // Bytes that are all of their buffer and kept packed are handed over; others copied.
      const owned = new Uint8Array(5);
      const shared = new Uint8Array(new ArrayBuffer(64), 8, 7);
      const unpacked = new Uint8Array(9);
      const pooled = Buffer.from('abc');
      const answers = [checker(check(owned)), checker(check(shared)), checker(check(unpacked, false)), checker(check(pooled))];
      expect(owned.byteLength).toBe(0);
      expect([shared.byteLength, unpacked.byteLength, pooled.toString()]).toEqual([7, 9, 'abc']);
      // Two threads, two checks each: the engine checks the next bucket itself.
      expect(checker(check(new Uint8Array(1)))).toBeUndefined();
      expect(await Promise.all(answers as Array<Promise<unknown>>)).toEqual([5, 7, 9, 3].map((startTime) => ({ ok: true, startTime })));

      await expect(checker(check(Buffer.from('x!')))).rejects.toBeInstanceOf(SyntaxError);

      // With builds waiting for a thread, no check is taken.
      const builds = ['2026-10-01', '2026-10-02', '2026-10-03'].map((date) => builder.build(job(date)));
      expect(checker(check(new Uint8Array(2)))).toBeUndefined();
      await Promise.all(builds);
      expect(await checker(check(new Uint8Array(4)))).toEqual({ ok: true, startTime: 4 });
    } finally {
      await builder.close();
    }
  });

  it('fails every waiting build, and any later one, when a thread dies', async () => {
    const builder = threadDayBuilder(fixture('crash-builder.mjs'), 1, builderLimits({}));
    try {
      const builds = ['2026-10-01', '2026-10-02', '2026-10-03'].map((date) => builder.build(job(date)));
      for (const build of builds) await expect(build).rejects.toThrow('a day builder thread failed: the builder broke');
      await expect(builder.build(job('2026-10-04'))).rejects.toThrow('a day builder thread failed: the builder broke');
    } finally {
      await builder.close();
    }
    await expect(builder.build(job('2026-10-05'))).rejects.toThrow('the day builder is closed');
  });

  it('caps a builder at a 16 MB young generation and an old generation just under 2 GB, or USAGE_LEDGER_HEAP_MB', () => {
    expect(builderLimits({})).toEqual({ maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 2047 });
    expect(builderLimits({ USAGE_LEDGER_HEAP_MB: '3000' })).toEqual({ maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 3000 });
  });
});
