// UTC days as the providers see them: a day is [midnight, next midnight) in Unix seconds.
// Requests cover contiguous runs of days, cut to the most buckets one request may ask for.

const DAY_SECONDS = 86_400;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Unix seconds of the UTC midnight that starts `date` (YYYY-MM-DD). */
export function dayStartSeconds(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

/** Unix seconds of the UTC midnight after `date`: the exclusive end of that day. */
export function dayEndSeconds(date: string): number {
  return dayStartSeconds(date) + DAY_SECONDS;
}

/** Refuses anything but real YYYY-MM-DD dates in ascending order without repeats. */
export function assertAscendingDays(dates: readonly string[]): void {
  let previous: number | undefined;
  for (const date of dates) {
    const start = DATE.test(date) ? dayStartSeconds(date) : Number.NaN;
    if (Number.isNaN(start) || new Date(start * 1000).toISOString().slice(0, 10) !== date) {
      throw new RangeError(`not a UTC date (YYYY-MM-DD): ${JSON.stringify(date)}`);
    }
    if (previous !== undefined && start <= previous) {
      throw new RangeError(`dates must be ascending and unique; ${date} comes after a later or equal date`);
    }
    previous = start;
  }
}

/** Splits ascending days into runs of consecutive days, so no request covers a gap. */
export function contiguousRuns(dates: readonly string[]): string[][] {
  const runs: string[][] = [];
  let current: string[] = [];
  let previousStart: number | undefined;
  for (const date of dates) {
    const start = dayStartSeconds(date);
    if (previousStart !== undefined && start !== previousStart + DAY_SECONDS) {
      runs.push(current);
      current = [];
    }
    current.push(date);
    previousStart = start;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** Consecutive slices of at most `size` items. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
