// The OpenAI UsageSource. Requests are planned to cost as little as the API allows:
// costs once per run of up to 180 days, each usage endpoint once per 31 days (plus any
// pages), and each batch of days is yielded as soon as its requests are done, so a long
// backfill writes as it goes and a cancelled run keeps what it had.

import type { DayResult, UsageSource } from '../../core/usage-source.js';
import { silentLogger, type Logger } from '../../ports.js';
import { assertAscendingDays, chunksOf, contiguousRuns } from '../day-ranges.js';
import type { HttpClient } from '../http/client.js';
import { assembleDay } from './day-result.js';
import {
  isOpenAiEndpoint,
  isOpenAiUsageEndpoint,
  MAX_COSTS_DAYS_PER_REQUEST,
  MAX_USAGE_DAYS_PER_REQUEST,
  OPENAI_ENDPOINTS,
  OPENAI_GROUP_BY,
  type OpenAiEndpoint,
} from './endpoints.js';
import type { OpenAiConnection } from './connection.js';
import { fetchEndpointDays, type EndpointOutcome } from './fetch-endpoint.js';

export { ProviderRequestError, ScopeMissingError } from '../errors.js';

export interface OpenAiSourceOptions {
  /** E.g. https://api.openai.com/v1; endpoint paths are appended to it. */
  baseUrl: string | URL;
  adminKey: string;
  http: Pick<HttpClient, 'getJson'>;
  /** Names from OPENAI_ENDPOINTS; requests follow the table's order whatever the order here. */
  endpoints: readonly string[];
  /** Per endpoint, the dimensions to group by; an endpoint left out is grouped by all it supports. */
  groupBy?: Partial<Record<string, readonly string[]>>;
  logger?: Logger;
}

function resolveEndpoints(requested: readonly string[]): OpenAiEndpoint[] {
  for (const name of requested) {
    if (!isOpenAiEndpoint(name)) throw new RangeError(`unknown OpenAI endpoint ${JSON.stringify(name)}; expected one of ${OPENAI_ENDPOINTS.join(', ')}`);
  }
  const endpoints = OPENAI_ENDPOINTS.filter((name) => requested.includes(name));
  if (endpoints.length === 0) throw new RangeError('at least one OpenAI endpoint is needed');
  return endpoints;
}

/** Validated group_by per endpoint, in the table's order so identical settings give identical requests. */
function resolveGroupBy(endpoints: readonly OpenAiEndpoint[], configured: OpenAiSourceOptions['groupBy']) {
  const resolved = {} as Record<OpenAiEndpoint, readonly string[]>;
  for (const endpoint of endpoints) {
    const supported = OPENAI_GROUP_BY[endpoint];
    const wanted = configured?.[endpoint];
    if (wanted === undefined) {
      resolved[endpoint] = supported;
      continue;
    }
    const unknown = wanted.filter((dimension) => !supported.includes(dimension));
    if (unknown.length > 0) {
      throw new RangeError(`OpenAI ${endpoint} cannot be grouped by ${unknown.join(', ')}; it supports ${supported.join(', ')}`);
    }
    resolved[endpoint] = supported.filter((dimension) => wanted.includes(dimension));
  }
  return resolved;
}

export function createOpenAiSource(options: OpenAiSourceOptions): UsageSource {
  const endpoints = resolveEndpoints(options.endpoints);
  const groupBy = resolveGroupBy(endpoints, options.groupBy);
  const usageEndpoints = endpoints.filter(isOpenAiUsageEndpoint);
  const withCosts = endpoints.includes('costs');
  const logger = options.logger ?? silentLogger;
  const connection: OpenAiConnection = {
    baseUrl: String(options.baseUrl),
    adminKey: options.adminKey,
    http: options.http,
    logger,
  };

  const fetch = (endpoint: OpenAiEndpoint, days: readonly string[]): Promise<EndpointOutcome> =>
    fetchEndpointDays(connection, endpoint, days, groupBy[endpoint]);

  async function* fetchDays(dates: readonly string[]): AsyncIterable<DayResult[]> {
    assertAscendingDays(dates);
    for (const run of contiguousRuns(dates)) {
      for (const chunk of chunksOf(run, MAX_COSTS_DAYS_PER_REQUEST)) {
        const costs = withCosts ? await fetch('costs', chunk) : undefined;
        for (const days of chunksOf(chunk, MAX_USAGE_DAYS_PER_REQUEST)) {
          const outcomes: EndpointOutcome[] = [];
          // One endpoint at a time: the organization's rate limit is shared, and parallel
          // requests would only trade wall time for 429s.
          for (const endpoint of usageEndpoints) outcomes.push(await fetch(endpoint, days));
          if (costs !== undefined) outcomes.push(costs);
          logger.debug(`openai ${days[0]}..${days[days.length - 1]}: ${days.length} day(s) fetched`);
          yield days.map((date) => assembleDay(date, outcomes));
        }
      }
    }
  }

  return { provider: 'openai', fetchDays };
}
