// UTC calendar days as YYYY-MM-DD strings, and the arithmetic the plans need.
// Windows are always whole UTC days: [midnight, next midnight).

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a YYYY-MM-DD that names a real calendar day; undefined otherwise. */
export function parseUtcDate(text: string): Date | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date;
}

export function isUtcDate(text: string): boolean {
  return parseUtcDate(text) !== undefined;
}

/** The UTC day an instant falls on. */
export function utcDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const parsed = parseUtcDate(date);
  if (!parsed) throw new Error(`not a date: ${date}`);
  return utcDateOf(new Date(parsed.getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  const start = parseUtcDate(from);
  const end = parseUtcDate(to);
  if (!start || !end) throw new Error(`not a date: ${start ? to : from}`);
  return Math.round((end.getTime() - start.getTime()) / DAY_MS);
}

/** Every day from start to end, both inclusive, ascending. */
export function dateRange(start: string, end: string): string[] {
  const count = daysBetween(start, end) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(start, index));
}

/** Unix seconds of a day's first instant. */
export function utcMidnightSeconds(date: string): number {
  const parsed = parseUtcDate(date);
  if (!parsed) throw new Error(`not a date: ${date}`);
  return parsed.getTime() / 1000;
}

/** ISO 8601 UTC without milliseconds, as windows are written in the ledger. */
export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function dayWindow(date: string): { window_start: string; window_end: string } {
  const start = utcMidnightSeconds(date);
  return { window_start: isoSeconds(start), window_end: isoSeconds(start + 86_400) };
}
