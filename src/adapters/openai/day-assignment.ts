// Assigns one query's buckets to the days it asked for, page by page, and refuses any
// bucket that would invent data: a day's window seen twice, or a window that is not a
// whole UTC day asked for. A grouped day may continue from the last bucket of one page
// into the first of the next; that is a continuation only when it brings results the
// day has not had yet, otherwise it is the same bucket again.

import { recordKeyString } from '../../domain/records.js';
import { dayStartSeconds } from './day-ranges.js';
import type { OpenAiEndpoint } from './endpoints.js';
import { normalizeResult, unixSecondsToIso } from './normalize.js';
import { type PageBucket, parseBucket } from './page-reader.js';

const DAY_SECONDS = 86_400;

/** The buckets one day received from one endpoint, validated and kept as their bytes, in page order. */
export interface DayBuckets {
  buckets: PageBucket[];
  pages: number;
}

export interface AssignedDays {
  /** Days whose buckets can be trusted. */
  days: Map<string, DayBuckets>;
  /** Days whose data is in doubt, each with what was wrong; nothing of theirs may be written. */
  doubtful: Map<string, string>;
  /** Set when a bucket cannot be tied to any day asked for: every day of the query is in doubt. */
  wholeQuery?: string;
}

export class DayAssignment {
  private readonly label: string;
  private readonly wanted: Map<number, string>;
  private readonly rangeStart: number;
  private readonly rangeEnd: number;
  private readonly gathered = new Map<string, DayBuckets>();
  /** The page each day was first seen on, for the messages. */
  private readonly firstPage = new Map<string, number>();
  private readonly doubtful = new Map<string, string>();
  private wholeQuery: string | undefined;
  /** The day of the previous page's last bucket: the only one the next page may continue. */
  private open: { day: string; page: number; keys?: Set<string> } | undefined;

  constructor(
    private readonly endpoint: OpenAiEndpoint,
    private readonly days: readonly string[],
  ) {
    this.label = `openai ${endpoint}`;
    this.wanted = new Map(days.map((day) => [dayStartSeconds(day), day]));
    this.rangeStart = dayStartSeconds(days[0] as string);
    this.rangeEnd = dayStartSeconds(days[days.length - 1] as string) + DAY_SECONDS;
  }

  addPage(number: number, buckets: readonly PageBucket[]): void {
    const onThisPage = new Set<string>();
    let last: string | undefined;
    for (const [index, bucket] of buckets.entries()) {
      last = this.place(number, index, bucket, onThisPage);
    }
    for (const day of onThisPage) {
      const entry = this.gathered.get(day);
      if (entry) entry.pages += 1;
    }
    this.open = last === undefined ? undefined : this.open?.day === last ? { ...this.open, page: number } : { day: last, page: number };
  }

  /** The day the bucket was taken for, or undefined when it was refused. */
  private place(number: number, index: number, bucket: PageBucket, onThisPage: Set<string>): string | undefined {
    const day = this.wanted.get(bucket.startTime);
    if (day === undefined || bucket.endTime !== bucket.startTime + DAY_SECONDS) {
      this.outsideTheDays(bucket);
      return undefined;
    }
    if (onThisPage.has(day)) {
      this.doubt(day, `the bucket for ${day} arrived twice on page ${number}`);
      return undefined;
    }
    const seenOn = this.firstPage.get(day);
    if (seenOn !== undefined && !(index === 0 && this.continues(day, number, bucket))) {
      this.doubt(day, `the bucket for ${day} arrived twice (pages ${seenOn} and ${number})`);
      return undefined;
    }
    onThisPage.add(day);
    if (seenOn === undefined) this.firstPage.set(day, number);
    if (!this.doubtful.has(day)) {
      const entry = this.gathered.get(day) ?? { buckets: [], pages: 0 };
      entry.buckets.push(bucket);
      this.gathered.set(day, entry);
    }
    return day;
  }

  finish(): AssignedDays {
    for (const day of this.doubtful.keys()) this.gathered.delete(day);
    return { days: this.gathered, doubtful: this.doubtful, ...(this.wholeQuery === undefined ? {} : { wholeQuery: this.wholeQuery }) };
  }

  private doubt(day: string, what: string): void {
    if (!this.doubtful.has(day)) this.doubtful.set(day, `${this.label}: ${what}`);
  }

  /**
   * A window that is not a day asked for puts in doubt every day it overlaps; one that
   * overlaps none says the answer is to another question, so no day of it can be trusted.
   */
  private outsideTheDays(bucket: PageBucket): void {
    const window = `${unixSecondsToIso(bucket.startTime)} to ${unixSecondsToIso(bucket.endTime)}`;
    const overlapped = this.days.filter((day) => {
      const start = dayStartSeconds(day);
      return bucket.startTime < start + DAY_SECONDS && bucket.endTime > start;
    });
    for (const day of overlapped) this.doubt(day, `a bucket from ${window} is not the whole UTC day ${day}`);
    if (overlapped.length === 0) {
      const asked = `${unixSecondsToIso(this.rangeStart)} to ${unixSecondsToIso(this.rangeEnd)}`;
      this.wholeQuery ??= `${this.label}: a bucket from ${window} lies outside the range asked for (${asked})`;
    }
  }

  /**
   * True when the first bucket of page `number` goes on with the day the previous page
   * ended on: both parts hold results, and none of the new part's records was had before.
   */
  private continues(day: string, number: number, bucket: PageBucket): boolean {
    const open = this.open;
    if (open === undefined || open.day !== day || open.page !== number - 1 || this.doubtful.has(day)) return false;
    if (open.keys === undefined) {
      open.keys = new Set();
      for (const earlier of this.gathered.get(day)?.buckets ?? []) for (const key of this.recordKeys(earlier)) open.keys.add(key);
    }
    const keys = this.recordKeys(bucket);
    if (open.keys.size === 0 || keys.length === 0) return false;
    for (const key of keys) {
      if (open.keys.has(key)) return false;
      open.keys.add(key);
    }
    return true;
  }

  private recordKeys(kept: PageBucket): string[] {
    const bucket = parseBucket(kept);
    return bucket.results.map((result) => recordKeyString(normalizeResult(this.endpoint, bucket, result)));
  }
}
