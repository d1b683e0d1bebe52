// `--help` as a user reads it: the global help names every command, and each command's own
// help shows exactly the flags that apply to it, generated from the options table.

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { COMMANDS, OPTIONS } from '../../src/config/options.js';
import { parseCliArgs } from '../../src/shell/cli-args.js';
import { appliesTo, helpText } from '../../src/shell/cli-help.js';

function flagsIn(text: string): string[] {
  return [...text.matchAll(/^ {2}--([a-z-]+)/gm)].map((match) => match[1]!).sort();
}

describe('global help', () => {
  it('lists every command with a line each, and no flags', () => {
    const text = helpText();
    for (const command of COMMANDS) expect(text).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    expect(text).toContain('usage-ledger <command> --help');
    expect(flagsIn(text)).toEqual([]);
  });

  it('says where secrets come from', () => {
    expect(helpText()).toContain('OPENAI_ADMIN_KEY');
    expect(helpText()).toContain('GITHUB_TOKEN');
  });
});

describe("each command's help", () => {
  it.each(COMMANDS)('%s lists exactly the flags that apply to it', (command) => {
    const expected = OPTIONS.filter((option) => !option.actionOnly && option.kind !== 'secret' && appliesTo(option, command)).map((option) => option.name);
    expect(flagsIn(helpText(command))).toEqual([...expected].sort());
  });

  it('keeps reconcile flags out of sync, and sync flags out of reconcile', () => {
    const sync = flagsIn(helpText('sync'));
    const reconcile = flagsIn(helpText('reconcile'));
    expect(sync).toEqual(expect.arrayContaining(['days', 'settle-days', 'providers', 'publish', 'now', 'openai-base-url']));
    expect(sync).not.toContain('min-age');
    expect(sync).not.toContain('start-date');
    expect(sync).not.toContain('port');
    expect(reconcile).toEqual(expect.arrayContaining(['min-age', 'max-age', 'list', 'run-scopes', 'force', 'publish']));
    expect(reconcile).not.toContain('days');
    expect(flagsIn(helpText('backfill'))).toEqual(expect.arrayContaining(['start-date', 'end-date', 'days', 'force']));
  });

  it('shows defaults, choices and the positional words', () => {
    const reconcile = helpText('reconcile');
    expect(reconcile).toContain('Usage: usage-ledger reconcile [framework] [run-id] [flags]');
    expect(reconcile).toContain('--min-age <integer> (default: 30)');
    expect(reconcile).toContain('--publish <commit|pull-request|none> (default: commit)');
  });

  it("shows only the command's own part of a description written for several commands", () => {
    expect(helpText('backfill')).toContain('--force\n      Re-fetch days the ledger already holds as settled.\n');
    expect(helpText('reconcile')).toMatch(/--force\n {6}Reconcile selected runs again[^\n]*\n/);
    expect(helpText('reconcile')).not.toContain('Re-fetch days');
  });

  it('names secrets as environment variables, never as flags', () => {
    const sync = helpText('sync');
    expect(sync).not.toContain('--openai-admin-key');
    expect(sync).not.toContain('--github-token');
    expect(sync).toContain('OPENAI_ADMIN_KEY or OPENAI_API_KEY_USAGE_TRACKING');
    expect(helpText('simulate')).not.toContain('OPENAI_ADMIN_KEY');
  });

  it('says so when a command has no flags', () => {
    expect(helpText('demo')).toContain('No flags.');
  });

  it('refuses an unknown command, naming the known ones', () => {
    expect(() => helpText('sink')).toThrow(UsageError);
    expect(() => helpText('sink')).toThrow(/sync, backfill, reconcile, simulate, demo/);
  });
});

describe('asking for help on the command line', () => {
  it('reads --help after a command as that command’s help', () => {
    expect(parseCliArgs(['reconcile', '--help'])).toMatchObject({ command: 'reconcile', help: true });
    expect(parseCliArgs(['--help', 'backfill'])).toMatchObject({ command: 'backfill', help: true });
  });

  it('reads `help [command]` the same way', () => {
    expect(parseCliArgs(['help'])).toMatchObject({ command: undefined, help: true });
    expect(parseCliArgs(['help', 'sync'])).toMatchObject({ command: 'sync', help: true, positionals: [] });
  });

  it('keeps `help` as an ordinary word after the command', () => {
    expect(parseCliArgs(['reconcile', 'help'])).toMatchObject({ command: 'reconcile', help: false, positionals: ['help'] });
  });
});
