// One endpoint over one run of days: a single request with `limit` = number of days,
// then every page that follows. A day's grouped results may be split over several pages,
// so buckets are gathered per day across pages. Anything short of a complete, valid
// answer becomes a failure for all the days asked for, never a partial total.

import type { DataOrigin, FetchFailureCode, RawEndpointDay } from '../../core/usage-source.js';
import { dayEndSeconds, dayStartSeconds } from '../day-ranges.js';
import type { OpenAiConnection } from './connection.js';
import { OPENAI_ENDPOINT_SPECS, type OpenAiEndpoint } from './endpoints.js';
import { fetchPages, PaginationError } from './paginate.js';
import type { PageBucket, PageReaderOptions } from './page-reader.js';

/** The buckets one day received from one endpoint, validated and kept as (packed) text, in page order. */
export interface DayBuckets {
  buckets: PageBucket[];
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

export async function fetchEndpointDays(
  connection: OpenAiConnection,
  endpoint: OpenAiEndpoint,
  days: readonly string[],
  groupBy: readonly string[],
  readerOptions: PageReaderOptions = {},
): Promise<EndpointOutcome> {
  const { path } = OPENAI_ENDPOINT_SPECS[endpoint];
  const query = queryFor(days, groupBy);
  const label = `openai ${endpoint}`;
  const wanted = new Map(days.map((day) => [dayStartSeconds(day), day]));
  const gathered = new Map<string, DayBuckets>();
  let origin: DataOrigin = 'provider';

  try {
    for await (const { page, origin: pageOrigin } of fetchPages(connection, endpoint, query, readerOptions)) {
      if (pageOrigin === 'simulator') origin = 'simulator';
      const daysOnThisPage = new Set<string>();
      for (const bucket of page.buckets) {
        const day = wanted.get(bucket.startTime);
        if (day === undefined) {
          connection.logger?.debug(`${label}: ignoring a bucket starting at ${bucket.startTime}, outside the days asked for`);
          continue;
        }
        const entry = gathered.get(day) ?? { buckets: [], pages: 0 };
        entry.buckets.push(bucket);
        gathered.set(day, entry);
        daysOnThisPage.add(day);
      }
      for (const day of daysOnThisPage) (gathered.get(day) as DayBuckets).pages += 1;
    }
  } catch (error) {
    if (error instanceof PaginationError) return { ok: false, endpoint, status: error.status, code: error.code, message: error.message };
    throw error;
  }

  connection.logger?.debug(`${label} ${days[0]}..${days[days.length - 1]}: ${gathered.size} of ${days.length} days`);
  return { ok: true, endpoint, request: { path, query }, days: gathered, origin };
}
