// The organization's usage as the provider sees it right now: synthetic events generated
// lazily per (day, endpoint) plus events added by tests, filtered to what is visible at
// the simulator's clock. Everything the endpoints and the truth functions sum comes from
// `forEachVisible`, so responses and truth can never disagree about what exists.

import type { Catalog } from './catalog.js';
import { CONTEXT_LEVELS, COUNTERS, isUsageEndpoint } from './endpoints.js';
import { generateDay } from './synthetic.js';
import { DAY_SECONDS, dayStartOf } from './time.js';
import { USAGE_ENDPOINTS, type SimEvent, type UsageEndpoint } from './types.js';

/**
 * Days are regenerated on demand, so only a window of them is kept. Large enough for a
 * 31-day page of every endpoint, small enough that a year of the large org stays light.
 */
const CACHED_DAY_LIMIT = 200;

/** Given how many of today's synthetic completions events exist, how many are visible. */
export type TodayReveal = (total: number) => number;

export class EventStore {
  private readonly synthetic = new Map<string, readonly SimEvent[]>();
  private readonly added = new Map<string, SimEvent[]>();
  private reveal: TodayReveal | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly seed: number,
    private readonly clock: () => Date,
  ) {}

  nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  /** Midnight (unix seconds) of the simulator's current UTC day. */
  todayStart(): number {
    return dayStartOf(this.nowSeconds());
  }

  /** Lets the late-data scenario hold back part of today's completions. */
  setTodayReveal(reveal: TodayReveal | undefined): void {
    this.reveal = reveal;
  }

  addEvents(events: readonly SimEvent[]): void {
    for (const event of events) {
      if (!Number.isFinite(event.timestamp)) throw new Error(`event timestamp must be unix seconds: ${event.timestamp}`);
      if (!isUsageEndpoint(event.endpoint)) throw new Error(`unknown usage endpoint: ${String(event.endpoint)}`);
      // Counters are counts: sums, minute buckets and prices all rely on that.
      for (const counter of COUNTERS) {
        const value = event[counter];
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
          throw new Error(`event ${counter} must be a non-negative integer, got ${value}`);
        }
      }
      // The context_levels filter and the web search prices know only these levels.
      const level = event.context_level;
      if (level !== undefined && !(CONTEXT_LEVELS as readonly string[]).includes(level)) {
        throw new Error(`event context_level must be low, medium or high, got ${level}`);
      }
      // Stored as frozen copies, so a caller reusing its objects cannot rewrite history.
      const copy = Object.freeze({ ...event });
      const key = dayKey(dayStartOf(copy.timestamp), copy.endpoint);
      const list = this.added.get(key);
      if (list) list.push(copy);
      else this.added.set(key, [copy]);
    }
  }

  /** Calls `visit` for every visible event of `endpoint` with start <= timestamp < end. */
  forEachVisible(endpoint: UsageEndpoint, start: number, end: number, visit: (event: SimEvent) => void): void {
    const now = this.nowSeconds();
    const today = dayStartOf(now);
    for (let day = dayStartOf(start); day < end; day += DAY_SECONDS) {
      const inside = day >= start && day + DAY_SECONDS <= end;
      if (day <= today) {
        for (const event of this.visibleSynthetic(endpoint, day, today, now)) {
          if (inside || (event.timestamp >= start && event.timestamp < end)) visit(event);
        }
      }
      // Added events are visible at once, whatever the clock says.
      for (const event of this.added.get(dayKey(day, endpoint)) ?? []) {
        if (event.timestamp >= start && event.timestamp < end) visit(event);
      }
    }
  }

  forEachVisibleOfAll(start: number, end: number, visit: (event: SimEvent) => void): void {
    for (const endpoint of USAGE_ENDPOINTS) this.forEachVisible(endpoint, start, end, visit);
  }

  private visibleSynthetic(endpoint: UsageEndpoint, day: number, today: number, now: number): readonly SimEvent[] {
    const events = this.syntheticDay(endpoint, day);
    if (day < today) return events;
    // Today is partial: nothing from the future, and late data may still be on its way.
    const sofar = events.filter((event) => event.timestamp < now);
    if (endpoint !== 'completions' || !this.reveal) return sofar;
    const shown = Math.max(0, Math.min(sofar.length, this.reveal(sofar.length)));
    return [...sofar].sort((a, b) => a.timestamp - b.timestamp).slice(0, shown);
  }

  private syntheticDay(endpoint: UsageEndpoint, day: number): readonly SimEvent[] {
    const key = dayKey(day, endpoint);
    const cached = this.synthetic.get(key);
    if (cached) {
      // Refresh its place so the least recently used day is the one evicted.
      this.synthetic.delete(key);
      this.synthetic.set(key, cached);
      return cached;
    }
    const events = generateDay(this.catalog, this.seed, day, endpoint);
    this.synthetic.set(key, events);
    if (this.synthetic.size > CACHED_DAY_LIMIT * USAGE_ENDPOINTS.length) {
      const oldest = this.synthetic.keys().next().value;
      if (oldest !== undefined) this.synthetic.delete(oldest);
    }
    return events;
  }
}

function dayKey(day: number, endpoint: UsageEndpoint): string {
  return `${day}:${endpoint}`;
}
