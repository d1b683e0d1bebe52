// Provider text that becomes a finding or a committed manifest field is masked where it
// is made: a credential shape never reaches a diff file or audit/manifest.json.
import { describe, expect, it } from 'vitest';
import { fetchFailureFinding } from '../../src/domain/findings.js';
import { nextEntry } from '../../src/domain/window-state.js';

const SAID = 'openai costs: got 500: Incorrect API key provided: sk-admin-SEC…7f3a9c (Bearer sk-admin-SECRETq8Zt)';
const MASKED = 'openai costs: got 500: Incorrect API key provided: sk-admin-*** (Bearer ***)';

describe('messages made from provider text', () => {
  it('a fetch failure finding masks credential shapes', () => {
    const finding = fetchFailureFinding('openai', { date: '2026-11-20', status: 'missing', code: 'PROVIDER_ERROR', message: SAID, endpoint: 'costs' });
    expect(finding.message).toBe(`openai 2026-11-20: missing (${MASKED})`);
  });

  it("a failed window's last_error masks credential shapes", () => {
    const { entry } = nextEntry(undefined, { kind: 'failed', state: 'missing', code: 'PROVIDER_ERROR', message: SAID }, false, '2026-11-22T06:30:00Z');
    expect(entry.last_error).toEqual({ code: 'PROVIDER_ERROR', message: MASKED, since: '2026-11-22T06:30:00Z' });
  });
});
