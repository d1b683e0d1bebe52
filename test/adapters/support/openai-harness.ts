// An OpenAI source wired to a loopback fake of the API through the real HTTP client.
import type { DayContent, DayFailed, DayOk } from '../../../src/domain/usage-source.js';
import { readDayContent } from '../../../src/adapters/openai/day-content.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { createOpenAiSource, type OpenAiSourceOptions } from '../../../src/adapters/openai/source.js';
import { createFakeClock, createRecordingLogger } from './fake-clock.js';
import { bucketsForQuery, endpointOf, page, startFakeOpenAi, type FakeHandler } from './fake-openai-server.js';

export const KEY = 'sk-admin-test-key-42';

/** A good day with its content built, as the ledger would build it while writing the batch. */
export type BuiltDayOk = DayOk & DayContent;
export type BuiltDay = DayFailed | BuiltDayOk;

const open: Array<() => Promise<void>> = [];

/** For afterEach: stops every fake server and client made since the last call. */
export async function closeOpenAiHarnesses(): Promise<void> {
  await Promise.all(open.splice(0).map((close) => close()));
}

/** Every day from `first`, `count` of them, as YYYY-MM-DD. */
export function daysFrom(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) => new Date(start + index * 86_400_000).toISOString().slice(0, 10));
}

/** Answers every endpoint with one bucket per requested day, empty unless `results` fills it. */
export function everyDay(results: (endpoint: string, date: string) => object[] = () => []): FakeHandler {
  return ({ path, query }) => ({ body: page(bucketsForQuery(query, (date) => results(endpointOf(path), date))) });
}

export async function openAiHarness(handler: FakeHandler, options: Partial<OpenAiSourceOptions> = {}) {
  const fake = await startFakeOpenAi(handler);
  const logger = createRecordingLogger();
  const http = createHttpClient({ clock: createFakeClock(), secrets: [KEY], maxRetries: 1, random: () => 0, logger });
  open.push(fake.close, http.close);
  const source = createOpenAiSource({
    baseUrl: fake.baseUrl,
    adminKey: KEY,
    http,
    endpoints: ['completions', 'costs'],
    logger,
    ...options,
  });
  const collect = async (dates: string[]) => {
    const batches: BuiltDay[][] = [];
    // Each day is built before the next batch is asked for, while the source still holds it.
    for await (const batch of source.fetchDays(dates)) {
      batches.push(batch.map((day) => (day.status === 'ok' ? { ...day, ...readDayContent(day.parts) } : day)));
    }
    return batches;
  };
  return { fake, source, http, logger, collect };
}
