// A good day's content (canonical records and raw buckets) built from the parts it
// arrived in, by the provider that fetched it.

import type { DayContent, DayParts } from '../../domain/usage-source.js';
import { readOpenAiDay } from './day-result.js';

export function readDayContent(parts: DayParts): DayContent {
  switch (parts.provider) {
    case 'openai':
      return readOpenAiDay(parts);
  }
}
