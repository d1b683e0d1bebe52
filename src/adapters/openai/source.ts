// The OpenAI UsageSource. Requests are planned to cost as little as the API allows:
// costs once per run of up to 180 days, each usage endpoint once per 31 days of the whole
// contiguous run (plus any pages), and each batch of days is yielded as soon as its
// requests are done, so a long backfill writes as it goes and a cancelled run keeps what
// it had.

import type { DayResult, UsageSource } from '../../domain/usage-source.js';
import { silentLogger, type Logger } from '../../ports.js';
import { assertAscendingDays, chunksOf, contiguousRuns } from './day-ranges.js';
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

export interface OpenAiSourceOptions {
  /** E.g. https://api.openai.com/v1; endpoint paths are appended to it. */
  baseUrl: string | URL;
  adminKey: string;
  http: Pick<HttpClient, 'getStreamed'>;
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

/**
 * The usage requests for one contiguous run: as few as the API allows, ceil(days / 31).
 * Where cutting them at the costs pages' boundaries needs no more requests than that,
 * they are cut there, so each batch needs a single costs page and the windows (and the
 * raw files that record their requests) are the ones a run of that length always had;
 * otherwise they run across the boundaries.
 */
interface CostsPage {
  first: string;
  last: string;
  days: string[];
  outcome?: EndpointOutcome;
}

function usageWindows(run: readonly string[], costsPageLengths: readonly number[]): string[][] {
  const fewest = Math.ceil(run.length / MAX_USAGE_DAYS_PER_REQUEST);
  const aligned: string[][] = [];
  let offset = 0;
  for (const length of costsPageLengths) {
    aligned.push(...chunksOf(run.slice(offset, offset + length), MAX_USAGE_DAYS_PER_REQUEST));
    offset += length;
  }
  if (costsPageLengths.length > 0 && offset === run.length && aligned.length === fewest) return aligned;
  return chunksOf(run, MAX_USAGE_DAYS_PER_REQUEST);
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

  // Buckets wait as their bytes until their day is written: a costs page's for every
  // usage batch that needs them (up to 180 days' worth), a usage page's for its own batch.
  const fetch = (endpoint: OpenAiEndpoint, days: readonly string[]): Promise<EndpointOutcome> =>
    fetchEndpointDays(connection, endpoint, days, groupBy[endpoint]);

  async function* fetchDays(dates: readonly string[]): AsyncIterable<DayResult[]> {
    assertAscendingDays(dates);
    for (const run of contiguousRuns(dates)) {
      const costsPages: CostsPage[] = withCosts
        ? chunksOf(run, MAX_COSTS_DAYS_PER_REQUEST).map((days) => ({ first: days[0] as string, last: days[days.length - 1] as string, days }))
        : [];
      for (const days of usageWindows(run, costsPages.map((page) => page.days.length))) {
        const first = days[0] as string;
        const last = days[days.length - 1] as string;
        // A costs page is asked for when the first window needing it comes up, before that
        // window's usage requests, and let go once the last day it covers is done.
        const costs: CostsPage[] = [];
        for (const page of costsPages) {
          if (page.last < first || page.first > last) continue;
          page.outcome ??= await fetch('costs', page.days);
          costs.push(page);
        }
        const outcomes: EndpointOutcome[] = [];
        // One endpoint at a time: the organization's rate limit is shared, and parallel
        // requests would only trade wall time for 429s.
        for (const endpoint of usageEndpoints) outcomes.push(await fetch(endpoint, days));
        logger.debug(`openai ${first}..${last}: ${days.length} day(s) fetched`);
        yield days.map((date) => {
          const page = costs.find((candidate) => candidate.first <= date && date <= candidate.last);
          return assembleDay(date, page?.outcome === undefined ? outcomes : [...outcomes, page.outcome]);
        });
        // The batch is written by now: its days of a costs page (which may cover months
        // more) are let go, and the page itself once its last day is done.
        for (const page of costs) {
          if (page.outcome?.ok) for (const date of days) page.outcome.days.delete(date);
          if (page.last <= last) delete page.outcome;
        }
      }
    }
  }

  return { provider: 'openai', fetchDays };
}
