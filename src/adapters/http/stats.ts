// The counts a run reports about its provider calls: attempts, retries, and the most
// recent rate-limit headers, kept for the run's diff file.

/** How many rate-limit header sets a run keeps for its diff file. */
export const RATE_LIMIT_HEADERS_KEPT = 50;

export interface RateLimitHeaders {
  label: string;
  status: number;
  headers: Record<string, string>;
}

export interface HttpStats {
  /** Every attempt sent, retries included. */
  requests: number;
  retries: number;
  /** Attempts per request label. */
  byLabel: Record<string, number>;
  /** The most recent responses' `x-ratelimit-*` and `retry-after` headers. */
  rateLimitHeaders: RateLimitHeaders[];
}

export function createStats(): HttpStats {
  return { requests: 0, retries: 0, byLabel: {}, rateLimitHeaders: [] };
}

function pickRateLimitHeaders(headers: Record<string, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-ratelimit-') || name === 'retry-after') picked[name] = value;
  }
  return picked;
}

/** Keeps the response's `x-ratelimit-*` and `retry-after` headers, if any, dropping the oldest past the cap. */
export function recordRateLimitHeaders(stats: HttpStats, label: string, status: number, headers: Record<string, string>): void {
  const picked = pickRateLimitHeaders(headers);
  if (Object.keys(picked).length === 0) return;
  stats.rateLimitHeaders.push({ label, status, headers: picked });
  if (stats.rateLimitHeaders.length > RATE_LIMIT_HEADERS_KEPT) {
    stats.rateLimitHeaders.splice(0, stats.rateLimitHeaders.length - RATE_LIMIT_HEADERS_KEPT);
  }
}
