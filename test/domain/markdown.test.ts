import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { tokenDriftFinding } from '../../src/domain/findings.js';
import { buildRunSummary, escapeMarkdown, GITHUB_BODY_LIMIT } from '../../src/domain/markdown.js';

function windows(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    provider: 'openai',
    date: addDays('2025-01-01', index),
    state: 'revised',
    status: 'changed',
    tokens: 1_000_000 + index,
    tokenDelta: 30_000 + index,
    cost: { usd: '12.345678' },
  }));
}

describe('buildRunSummary', () => {
  it('stays under GitHub’s body limit with 500 changed windows, keeping the diff links and saying what was left out', () => {
    const changed = windows(500);
    const findings = changed.map((window) => tokenDriftFinding('openai', window.date, 1_000_000, 1_030_000 + window.tokenDelta, { endpoint: 'completions', model: 'gpt-4o', project_id: 'proj_a', api_key_id: null, token_delta: 30_000 }));
    const diffFiles = ['audit/diffs/2026-11-22/013000Z-sync-0123abcd.json', 'audit/diffs/2026-11-22/013001Z-sync-89abcdef.json'];
    const body = buildRunSummary(
      { command: 'backfill', dryRun: false, windows: changed, findings, requests: { total: 75, retries: 0 }, commitSha: 'a'.repeat(40), diffFiles, links: { serverUrl: 'https://github.com', repository: 'acme/ledger' } },
      GITHUB_BODY_LIMIT - 1_536,
    );
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body.length).toBeGreaterThan(30_000);
    for (const file of diffFiles) expect(body).toContain(`(https://github.com/acme/ledger/blob/${'a'.repeat(40)}/${file})`);
    expect(body).toMatch(/…and \d+ more (window|finding)\(s\); see the diff files\./);
    expect(body).toContain('```mermaid');
  });

  it('lists every window when they fit', () => {
    const body = buildRunSummary({ command: 'sync', dryRun: false, windows: windows(7), findings: [], requests: { total: 7, retries: 0 }, diffFiles: [] });
    expect(body.match(/^\| openai \| /gm)).toHaveLength(7);
    expect(body).not.toContain('more window');
  });
});

describe('escapeMarkdown', () => {
  it('renders HTML, mentions, tables and links inert', () => {
    const text = escapeMarkdown('<img src=x onerror=alert(1)> @everyone | [x](http://e) <!-- -->');
    expect(text).not.toMatch(/<img/);
    expect(text).not.toMatch(/(^|[^\u200b])@everyone/);
    expect(text).not.toMatch(/(^|[^\\])\|/);
    expect(text).not.toMatch(/(^|[^\\])\[/);
    expect(text).not.toContain('<!--');
  });
});
