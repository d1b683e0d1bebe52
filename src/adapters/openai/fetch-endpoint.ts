// One endpoint over one run of days: a single request with `limit` = number of days,
// then every page that follows. A day's grouped results may be split over several pages,
// so buckets are gathered per day across pages (see DayAssignment). Anything short of a
// complete, valid answer becomes a failure for all the days asked for, never a partial
// total; a day whose buckets came twice or did not fit the days asked for fails alone.

import type { DataOrigin, FetchFailureCode, RawEndpointDay } from '../../domain/usage-source.js';
import { dayEndSeconds, dayStartSeconds } from './day-ranges.js';
import type { OpenAiConnection } from './connection.js';
import { OPENAI_ENDPOINT_SPECS, type OpenAiEndpoint } from './endpoints.js';
import { DayAssignment, type DayBuckets } from './day-assignment.js';
import { fetchPages, PaginationError } from './paginate.js';

export type EndpointOutcome =
  | {
      ok: true;
      endpoint: OpenAiEndpoint;
      request: RawEndpointDay['request'];
      days: Map<string, DayBuckets>;
      /** Days whose buckets came twice or overlapped another window: partial, with why. */
      doubtful: ReadonlyMap<string, string>;
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
): Promise<EndpointOutcome> {
  const { path } = OPENAI_ENDPOINT_SPECS[endpoint];
  const query = queryFor(days, groupBy);
  const label = `openai ${endpoint}`;
  const assignment = new DayAssignment(endpoint, days);
  let origin: DataOrigin = 'provider';

  try {
    for await (const { number, page, origin: pageOrigin } of fetchPages(connection, endpoint, query)) {
      if (pageOrigin === 'simulator') origin = 'simulator';
      assignment.addPage(number, page.buckets);
    }
  } catch (error) {
    if (error instanceof PaginationError) return { ok: false, endpoint, status: error.status, code: error.code, message: error.message };
    throw error;
  }

  const assigned = assignment.finish();
  if (assigned.wholeQuery !== undefined) return { ok: false, endpoint, status: 'partial', code: 'SCHEMA_MISMATCH', message: assigned.wholeQuery };
  connection.logger?.debug(`${label} ${days[0]}..${days[days.length - 1]}: ${assigned.days.size} of ${days.length} days`);
  return { ok: true, endpoint, request: { path, query }, days: assigned.days, doubtful: assigned.doubtful, origin };
}
