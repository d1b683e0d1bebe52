// Per-minute completions usage of one scope (an API key or a project) over a time range:
// the input to run reconciliation. One query per scope, paged at 1,440 one-minute buckets,
// ungrouped so each bucket carries the scope's total for that minute.

import type { MinuteUsage } from '../../domain/attribution.js';
import type { DataOrigin } from '../../domain/usage-source.js';
import type { OpenAiConnection } from './connection.js';
import { parseBucket } from './page-reader.js';
import { fetchPages } from './paginate.js';

/** The most one-minute buckets a usage page may hold. */
export const MAX_MINUTE_BUCKETS_PER_PAGE = 1440;

/** Whose usage to read; null reads the whole organization (only when the user says it had no other traffic). */
export type MinuteUsageScope = { api_key_id: string } | { project_id: string } | null;

export interface MinuteUsageResult {
  buckets: MinuteUsage[];
  pages: number;
  origin: DataOrigin;
  request: { path: string; query: Record<string, string | string[]> };
}

/** Throws PaginationError (or a configuration error) rather than return part of the range. */
export async function fetchMinuteUsage(
  connection: OpenAiConnection,
  scope: MinuteUsageScope,
  range: { start: number; end: number },
): Promise<MinuteUsageResult> {
  const query: Record<string, string | string[]> = {
    start_time: String(range.start),
    end_time: String(range.end),
    bucket_width: '1m',
    limit: String(Math.min(MAX_MINUTE_BUCKETS_PER_PAGE, Math.max(1, Math.ceil((range.end - range.start) / 60)))),
  };
  if (scope && 'api_key_id' in scope) query.api_key_ids = [scope.api_key_id];
  if (scope && 'project_id' in scope) query.project_ids = [scope.project_id];

  const buckets: MinuteUsage[] = [];
  let pages = 0;
  let origin: DataOrigin = 'provider';
  for await (const { page, origin: pageOrigin } of fetchPages(connection, 'completions', query)) {
    pages += 1;
    if (pageOrigin === 'simulator') origin = 'simulator';
    for (const stored of page.buckets) {
      const bucket = parseBucket(stored);
      let input = 0;
      let output = 0;
      for (const result of bucket.results) {
        // The completions endpoint only returns completions results; the narrowing is for the type.
        if (result.object !== 'organization.usage.completions.result') continue;
        input += result.input_tokens;
        output += result.output_tokens;
      }
      if (input > 0 || output > 0) buckets.push({ start: bucket.start_time, end: bucket.end_time, input_tokens: input, output_tokens: output });
    }
  }
  return { buckets, pages, origin, request: { path: '/organization/usage/completions', query } };
}
