// UTC days as the simulator counts them: unix seconds of midnight, and YYYY-MM-DD names.

export const DAY_SECONDS = 86_400;

/** Midnight (unix seconds) of the UTC day containing `unixSeconds`. */
export function dayStartOf(unixSeconds: number): number {
  return Math.floor(unixSeconds / DAY_SECONDS) * DAY_SECONDS;
}

/** YYYY-MM-DD of the UTC day containing `unixSeconds`. */
export function dateOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** Midnight (unix seconds) of a YYYY-MM-DD that names a real day; undefined otherwise. */
export function midnightOf(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const millis = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== date) return undefined;
  return millis / 1000;
}
