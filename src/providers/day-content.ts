// A good day's content (canonical records and raw buckets) built from the parts it
// arrived in, by the provider that fetched it. Plain data in and out, so it runs on the
// main thread or on a day builder thread alike.

import type { BucketCheck, DayContent, DayParts } from '../core/usage-source.js';
import { readOpenAiDay } from './openai/day-result.js';

export function readDayContent(parts: DayParts, checkBucket: BucketCheck): DayContent {
  switch (parts.provider) {
    case 'openai':
      return readOpenAiDay(parts, checkBucket);
  }
}
