import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseSettings } from '../../src/config/settings.js';

const NOW = new Date('2026-11-22T06:00:00Z');
const KEY = { OPENAI_ADMIN_KEY: 'sk-admin-test' };

function parse(command: string, options: Record<string, string>, env: Record<string, string> = KEY) {
  return parseSettings(command, [], options, env, NOW);
}

function usageError(command: string, options: Record<string, string>): UsageError {
  try {
    parse(command, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseSettings', () => {
  it('plans the trailing 7 days ending today by default, with the documented defaults', () => {
    const settings = parse('sync', {});
    expect(settings.dates).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(settings.settleDays).toBe(2);
    expect(settings.publish).toBe('commit');
    expect(settings.providers).toEqual(['openai']);
    expect(settings.endpoints).toContain('costs');
    expect(settings.groupBy.completions).toEqual(['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier']);
    expect(settings.openaiBaseUrl).toBe('https://api.openai.com/v1');
    expect(settings.auditDir).toBe('audit');
  });

  it('plans an inclusive backfill range and --days ending at --now', () => {
    expect(parse('backfill', { 'start-date': '2026-10-30', 'end-date': '2026-11-02' }).dates).toEqual([
      '2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02',
    ]);
    expect(parse('backfill', { days: '90' }).dates).toHaveLength(90);
    expect(parse('backfill', { days: '3', now: '2026-01-02T00:00:00Z' }).dates).toEqual(['2025-12-31', '2026-01-01', '2026-01-02']);
  });

  it('applies --group-by to each endpoint as far as it supports it', () => {
    const settings = parse('sync', { 'group-by': 'model,line_item' });
    expect(settings.groupBy.completions).toEqual(['model']);
    expect(settings.groupBy.costs).toEqual(['line_item']);
  });

  it('reads the admin key from either environment name and never needs a flag', () => {
    expect(parse('sync', {}, { OPENAI_API_KEY_USAGE_TRACKING: 'sk-admin-x' }).openaiAdminKey).toBe('sk-admin-x');
    expect(parse('sync', {}, {}).openaiAdminKey).toBeUndefined();
  });

  it.each([
    ['start-date', 'backfill', { 'start-date': '2026-02-30' }, /real calendar date/],
    ['start-date', 'backfill', { 'start-date': 'yesterday' }, /YYYY-MM-DD/],
    ['start-date', 'backfill', { 'start-date': '2026-11-10', 'end-date': '2026-11-01' }, /after --end-date/],
    ['start-date', 'backfill', { 'start-date': '2025-01-01', 'end-date': '2026-11-01' }, /at most 400/],
    ['end-date', 'backfill', { 'start-date': '2026-11-20', 'end-date': '2026-11-23' }, /after today/],
    ['days', 'backfill', { 'start-date': '2026-11-20', days: '3' }, /not both/],
    ['days', 'sync', { days: '0' }, /1 to 400/],
    ['days', 'sync', { days: '401' }, /1 to 400/],
    ['days', 'sync', { days: '7.5' }, /whole number/],
    ['providers', 'sync', { providers: 'openai,azure' }, /unknown value "azure"/],
    ['endpoints', 'sync', { endpoints: 'completions,chat' }, /unknown value "chat"/],
    ['group-by', 'sync', { 'group-by': 'model,region' }, /unknown value "region"/],
    ['now', 'sync', { now: 'tomorrow' }, /ISO 8601/],
    ['now', 'sync', { now: '2026-13-01T00:00:00Z' }, /ISO 8601/],
    ['publish', 'sync', { publish: 'push' }, /commit, pull-request, none/],
    ['drift-threshold', 'sync', { 'drift-threshold': '-1' }, /percentage/],
    ['openai-base-url', 'sync', { 'openai-base-url': 'ftp://example' }, /http\(s\) URL/],
    ['openai-base-url', 'sync', { 'openai-base-url': 'https://user:secret@example.com/v1' }, /credentials/],
    ['start-date', 'sync', { 'start-date': '2026-11-01' }, /backfill/],
    ['command', 'reconcile-all', {}, /expected one of/],
  ])('rejects a bad %s (%s %j)', (input, command, options, message) => {
    const error = usageError(command, options as Record<string, string>);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${input}: `)).toBe(true);
  });

  it('never echoes a credential embedded in a base URL', () => {
    const error = usageError('sync', { 'openai-base-url': 'https://user:hunter2@example.com/v1' });
    expect(error.message).not.toContain('hunter2');
  });
});
