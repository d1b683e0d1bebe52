// A client wired to an undici MockAgent and a fake clock, so tests see every attempt
// and every wait without a network or real time passing.
import { MockAgent } from 'undici';
import { createHttpClient, type HttpClientOptions } from '../../../src/adapters/http/client.js';
import { createFakeClock, createRecordingLogger } from './fake-clock.js';

export const ORIGIN = 'https://api.example.test';
export const SECRET = 'sk-admin-0123456789abcdef';
export const costsUrl = (path = '/v1/organization/costs') => new URL(`${ORIGIN}${path}`);

const agents: MockAgent[] = [];

/** For afterEach: closes every MockAgent made since the last call. */
export async function closeMockAgents(): Promise<void> {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
}

export function mockedClient(overrides: Partial<HttpClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const clock = createFakeClock();
  const logger = createRecordingLogger();
  const http = createHttpClient({ clock, dispatcher: agent, secrets: [SECRET], logger, ...overrides });
  return { pool: agent.get(ORIGIN), agent, clock, logger, http };
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}
