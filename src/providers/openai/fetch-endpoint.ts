// One endpoint over one run of days: a single request with `limit` = number of days,
// then every page that follows. A day's grouped results may be split over several pages,
// so buckets are gathered per day across pages. Anything short of a complete, valid
// answer becomes a failure for all the days asked for, never a partial total.

import type { JsonValue } from '../../core/json.js';
import type { DataOrigin, FetchFailureCode, RawEndpointDay } from '../../core/usage-source.js';
import type { Logger } from '../../ports.js';
import { dayEndSeconds, dayStartSeconds } from '../day-ranges.js';
import { ProviderRequestError, ScopeMissingError } from '../errors.js';
import { AuthError, ClientError, getErrorMessage, HttpError, RetriesExhaustedError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import { OPENAI_ENDPOINT_SPECS, type OpenAiEndpoint } from './endpoints.js';
import { parseOpenAiPage, type OpenAiBucket } from './schemas.js';

/** A guard against a provider that keeps inventing new cursors. */
export const MAX_PAGES_PER_REQUEST = 1000;

export const SCOPE_MISSING_MESSAGE =
  'OpenAI refused the usage request: the key must be an OpenAI admin key with the api.usage.read scope';

export interface OpenAiConnection {
  /** Ends in /v1; endpoint paths are appended to it. */
  baseUrl: string;
  adminKey: string;
  http: Pick<HttpClient, 'getJson'>;
  logger?: Logger;
}

/** The buckets one day received from one endpoint, raw and validated, in page order. */
export interface DayBuckets {
  raw: JsonValue[];
  parsed: OpenAiBucket[];
  pages: number;
}

export type EndpointOutcome =
  | {
      ok: true;
      endpoint: OpenAiEndpoint;
      request: RawEndpointDay['request'];
      days: Map<string, DayBuckets>;
      origin: DataOrigin;
    }
  | {
      ok: false;
      endpoint: OpenAiEndpoint;
      status: 'missing' | 'partial';
      code: FetchFailureCode;
      message: string;
    };

/** The filters of one request, in a fixed order so the raw files stay stable. */
function queryFor(days: readonly string[], groupBy: readonly string[]) {
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const query: Record<string, string | string[]> = {
    start_time: String(dayStartSeconds(first)),
    end_time: String(dayEndSeconds(last)),
    bucket_width: '1d',
    limit: String(days.length),
  };
  if (groupBy.length > 0) query.group_by = [...groupBy];
  return query;
}

function urlFor(baseUrl: string, path: string, query: Record<string, string | string[]>, page?: string): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  if (page !== undefined) url.searchParams.set('page', page);
  return url;
}

function failed(
  endpoint: OpenAiEndpoint,
  status: 'missing' | 'partial',
  code: FetchFailureCode,
  message: string,
): EndpointOutcome {
  return { ok: false, endpoint, status, code, message };
}

/** Configuration errors stop the whole fetch; everything else marks the days. */
function outcomeOfError(endpoint: OpenAiEndpoint, error: unknown): EndpointOutcome {
  if (error instanceof AuthError) {
    throw new ScopeMissingError(`${SCOPE_MISSING_MESSAGE} (${error.message})`, {
      provider: 'openai',
      status: error.status,
      cause: error,
    });
  }
  if (error instanceof ClientError) {
    throw new ProviderRequestError(`OpenAI rejected the ${endpoint} request: ${error.message}`, {
      provider: 'openai',
      status: error.status,
      ...(error.providerMessage === undefined ? {} : { providerMessage: error.providerMessage }),
      cause: error,
    });
  }
  if (error instanceof RetriesExhaustedError) {
    return failed(endpoint, 'missing', error.rateLimited ? 'RATE_LIMITED' : 'PROVIDER_ERROR', error.message);
  }
  if (error instanceof HttpError) return failed(endpoint, 'missing', 'PROVIDER_ERROR', getErrorMessage(error));
  throw error;
}

export async function fetchEndpointDays(
  connection: OpenAiConnection,
  endpoint: OpenAiEndpoint,
  days: readonly string[],
  groupBy: readonly string[],
): Promise<EndpointOutcome> {
  const { path } = OPENAI_ENDPOINT_SPECS[endpoint];
  const query = queryFor(days, groupBy);
  const label = `openai ${endpoint}`;
  const wanted = new Map(days.map((day) => [dayStartSeconds(day), day]));
  const gathered = new Map<string, DayBuckets>();
  const seenCursors = new Set<string>();
  let origin: DataOrigin = 'provider';
  let cursor: string | undefined;

  for (let pageNumber = 1; ; pageNumber += 1) {
    if (pageNumber > MAX_PAGES_PER_REQUEST) {
      return failed(endpoint, 'partial', 'PROVIDER_ERROR', `${label}: pagination did not end after ${MAX_PAGES_PER_REQUEST} pages`);
    }
    let body: JsonValue;
    try {
      const response = await connection.http.getJson({
        url: urlFor(connection.baseUrl, path, query, cursor),
        headers: { authorization: `Bearer ${connection.adminKey}` },
        label,
      });
      body = response.body;
      if (response.origin === 'simulator') origin = 'simulator';
    } catch (error) {
      return outcomeOfError(endpoint, error);
    }

    const parsed = parseOpenAiPage(endpoint, body);
    if (!parsed.ok) {
      return failed(endpoint, 'missing', 'SCHEMA_MISMATCH', `${label} page ${pageNumber} does not match the expected shape at ${parsed.issue}`);
    }
    // Validation passed, so body.data is an array aligned with the parsed buckets.
    const rawBuckets = (body as { data: JsonValue[] }).data;
    const daysOnThisPage = new Set<string>();
    parsed.page.data.forEach((bucket, index) => {
      const day = wanted.get(bucket.start_time);
      if (day === undefined) {
        connection.logger?.debug(`${label}: ignoring a bucket starting at ${bucket.start_time}, outside the days asked for`);
        return;
      }
      const entry = gathered.get(day) ?? { raw: [], parsed: [], pages: 0 };
      entry.raw.push(rawBuckets[index] as JsonValue);
      entry.parsed.push(bucket);
      gathered.set(day, entry);
      daysOnThisPage.add(day);
    });
    for (const day of daysOnThisPage) (gathered.get(day) as DayBuckets).pages += 1;

    if (!parsed.page.has_more) break;
    const next = parsed.page.next_page;
    if (next === null || next === '') {
      return failed(endpoint, 'partial', 'PROVIDER_ERROR', `${label}: page ${pageNumber} says has_more but gives no next_page`);
    }
    if (seenCursors.has(next)) {
      return failed(endpoint, 'partial', 'PROVIDER_ERROR', `${label}: repeated pagination cursor on page ${pageNumber}`);
    }
    seenCursors.add(next);
    cursor = next;
  }

  connection.logger?.debug(`${label} ${days[0]}..${days[days.length - 1]}: ${gathered.size} of ${days.length} days`);
  return { ok: true, endpoint, request: { path, query }, days: gathered, origin };
}
