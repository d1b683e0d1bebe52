// Option values as text in, typed values out: every error names the option and what was
// expected. Empty strings count as unset before these are called.

import { isUtcDate } from '../domain/dates.js';
import { UsageError } from '../errors.js';
import type { OptionSpec } from './options.js';

export type RawOptions = Readonly<Record<string, string | undefined>>;

export function valueOf(raw: RawOptions, spec: OptionSpec): string | undefined {
  const given = raw[spec.name]?.trim();
  return given === undefined || given === '' ? spec.default : given;
}

export function list(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).filter((item) => item !== '');
}

export function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`, name);
  }
  return Number(text);
}

export function boolean(name: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  const normalized = text.toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(normalized)) return true;
  if (['false', 'no', '0', 'off'].includes(normalized)) return false;
  throw new UsageError(`expected true or false, got ${JSON.stringify(text)}`, name);
}

export function choice<T extends string>(name: string, text: string | undefined, choices: readonly T[]): T {
  if (text === undefined || !choices.includes(text as T)) {
    throw new UsageError(`expected one of ${choices.join(', ')}, got ${JSON.stringify(text ?? '')}`, name);
  }
  return text as T;
}

export function date(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!isUtcDate(text)) throw new UsageError(`expected a real calendar date as YYYY-MM-DD, got ${JSON.stringify(text)}`, name);
  return text;
}

export function subset(name: string, values: string[], allowed: readonly string[]): string[] {
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    throw new UsageError(`unknown value ${unknown.map((v) => JSON.stringify(v)).join(', ')}; expected some of ${allowed.join(', ')}`, name);
  }
  return [...new Set(values)];
}

export function parseNow(text: string | undefined, clockNow: Date): { now: Date; fixed: boolean } {
  if (text === undefined) return { now: clockNow, fixed: false };
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const parsed = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (!iso.test(text) || Number.isNaN(parsed.getTime()) || (text.length === 10 && !isUtcDate(text))) {
    throw new UsageError(`expected an ISO 8601 time such as 2026-11-22T01:00:00Z, got ${JSON.stringify(text)}`, 'now');
  }
  return { now: parsed, fixed: true };
}

export function parseUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`expected an http(s) URL, got ${JSON.stringify(text)}`, name);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`expected an http(s) URL, got ${JSON.stringify(text)}`, name);
  if (url.username || url.password) throw new UsageError('credentials do not belong in the URL; use the admin key input', name);
  return url.toString().replace(/\/+$/, '');
}
