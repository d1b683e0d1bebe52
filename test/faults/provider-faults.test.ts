// The fault matrix, provider side: every transport and body row, each from a copy of one
// good ledger, held to the matrix's invariants (see provider-row.ts).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { BODY_ROWS } from './body-rows.js';
import { goodLedgerTemplate, type GoodLedgerTemplate } from './good-ledger.js';
import { runProviderRow } from './provider-row.js';
import { TRANSPORT_ROWS } from './transport-rows.js';

// Rows share nothing but the template they clone, so they run side by side: the stalled
// rows' one-second deadlines overlap instead of adding up.
describe.concurrent('fault matrix: provider faults', () => {
  let template: GoodLedgerTemplate;

  beforeAll(async () => {
    template = await goodLedgerTemplate();
  });

  afterAll(async () => {
    await template.cleanup();
  });

  describe('transport', () => {
    it.each(TRANSPORT_ROWS)('$name', (row) => runProviderRow(template, row));
  });

  describe('bodies', () => {
    it.each(BODY_ROWS)('$name', (row) => runProviderRow(template, row));
  });
});
