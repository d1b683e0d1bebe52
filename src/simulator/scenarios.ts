// The misbehaviours a real provider shows now and then, each switched on by name and
// combinable with the others. This class holds their state (attempt counts, queries
// already served, how much of today has been revealed) and is consulted by the handler
// at fixed points: before answering, before serving, per bucket, and on the finished page.

import type { CostsResult, UsageResult } from './aggregate.js';
import type { EventStore } from './event-store.js';
import type { PageBody } from './responses.js';
import { restateDay } from './restatement.js';
import { DAY_SECONDS, dateOf } from './time.js';
import type { ScenarioName } from './types.js';

export interface Fault {
  status: number;
  retryAfter: string | undefined;
}

/** Completions pages in the repeated-cursor scenario hold this many results, so pagination happens. */
const REPEATED_CURSOR_PAGE_RESULTS = 5;
/** Results per page in the paginated scenario: a grouped day spans several pages. */
const PAGINATED_PAGE_RESULTS = 7;
/** Late data arrives in sixths: each request covering today reveals one more sixth. */
const LATE_DATA_STEPS = 6;
const RESTATEMENT_DAYS_BACK = 3;
const RESTATEMENT_PERCENT = 3;
const MISSING_DAY_DAYS_BACK = 2;
/** The day whose completions bucket duplicate-bucket lists twice and overlapping-pages repeats. */
const REPEATED_BUCKET_DAYS_BACK = 3;

export class Scenarios {
  private readonly active: ReadonlySet<ScenarioName>;
  /** Requests seen per distinct query (page included) for the fault plans. */
  private readonly attempts = new Map<string, number>();
  /** Queries (page excluded) already served from their first page. */
  private readonly served = new Set<string>();
  private restated = false;
  private todayRequests = 0;

  constructor(
    names: readonly ScenarioName[],
    private readonly store: EventStore,
  ) {
    this.active = new Set(names);
    if (this.active.has('late-data')) {
      store.setTodayReveal((total) => Math.floor((total * Math.min(LATE_DATA_STEPS, this.todayRequests + 1)) / LATE_DATA_STEPS));
    }
  }

  has(name: ScenarioName): boolean {
    return this.active.has(name);
  }

  /**
   * The injected failure for this request, if any. server-error fails every completions
   * request; otherwise the attempts of each distinct query go through the fault plan:
   * two 429s for rate-limit (with and then without Retry-After, as configured), then one
   * 502 for flaky, then success.
   */
  faultFor(endpoint: string, identity: string): Fault | undefined {
    if (this.has('server-error') && endpoint === 'completions') return { status: 503, retryAfter: undefined };
    const plan: Fault[] = [];
    if (this.has('rate-limit')) plan.push({ status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' });
    if (this.has('rate-limit-no-retry-after')) plan.push({ status: 429, retryAfter: undefined }, { status: 429, retryAfter: undefined });
    if (this.has('flaky')) plan.push({ status: 502, retryAfter: undefined });
    if (plan.length === 0) return undefined;
    const attempt = this.attempts.get(identity) ?? 0;
    this.attempts.set(identity, attempt + 1);
    return plan[attempt];
  }

  /** Most results a page may hold for this endpoint. */
  resultCap(endpoint: string, configured: number): number {
    let cap = configured;
    if (this.has('paginated')) cap = Math.min(cap, PAGINATED_PAGE_RESULTS);
    if (this.has('repeated-cursor') && endpoint === 'completions') cap = Math.min(cap, REPEATED_CURSOR_PAGE_RESULTS);
    return cap;
  }

  /** Called once a valid request is about to be served, before any data is read. */
  beforeServe(endpoint: string, range: { start: number; end: number }, identity: string, firstPage: boolean): void {
    const now = this.store.nowSeconds();
    const today = this.store.todayStart();
    if (this.has('late-data') && endpoint === 'completions' && range.start < now && range.end > today) {
      this.todayRequests += 1;
    }
    // Only a fresh fetch (no cursor) counts as serving a query again; its later pages do not.
    if (this.has('restatement') && firstPage) {
      if (this.served.has(identity) && !this.restated) {
        this.restated = true;
        restateDay(this.store, dateOf(today - RESTATEMENT_DAYS_BACK * DAY_SECONDS), RESTATEMENT_PERCENT);
      }
      this.served.add(identity);
    }
  }

  /** True for buckets the missing-day scenario leaves out of every response. */
  omitsBucket(bucketStart: number): boolean {
    if (!this.has('missing-day')) return false;
    const missing = this.store.todayStart() - MISSING_DAY_DAYS_BACK * DAY_SECONDS;
    return bucketStart >= missing && bucketStart < missing + DAY_SECONDS;
  }

  private isRepeatedBucket(endpoint: string, bucketStart: number): boolean {
    return endpoint === 'completions' && bucketStart === this.store.todayStart() - REPEATED_BUCKET_DAYS_BACK * DAY_SECONDS;
  }

  /** True where overlapping-pages ends a completions page, for the next page to start with the same bucket. */
  repeatsAfter(endpoint: string, bucketStart: number): boolean {
    return this.has('overlapping-pages') && this.isRepeatedBucket(endpoint, bucketStart);
  }

  /** True when out-of-range-bucket puts the bucket just before start_time on this completions page. */
  addsBucketBefore(endpoint: string, firstPage: boolean): boolean {
    return this.has('out-of-range-bucket') && endpoint === 'completions' && firstPage;
  }

  /** Last touches on a finished completions page: the malformed, repeated-cursor and duplicate-bucket scenarios. */
  shapePage(endpoint: string, body: PageBody<UsageResult | CostsResult>, sentCursor: string | undefined): void {
    if (endpoint !== 'completions') return;
    if (this.has('malformed-page')) {
      for (const bucket of body.data) {
        // Completions pages hold usage results only.
        const first = bucket.results[0] as UsageResult | undefined;
        if (first) first.input_tokens = String(first.input_tokens);
      }
    }
    if (this.has('duplicate-bucket')) {
      const at = body.data.findIndex((bucket) => this.isRepeatedBucket(endpoint, bucket.start_time));
      if (at >= 0) body.data.splice(at + 1, 0, structuredClone(body.data[at] as (typeof body.data)[number]));
    }
    if (this.has('repeated-cursor') && sentCursor !== undefined) {
      body.has_more = true;
      body.next_page = sentCursor;
    }
  }
}
