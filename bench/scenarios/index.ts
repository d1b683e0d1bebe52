// Every benchmark scenario, in the order `bench` runs them when none is named.

import type { Scenario } from '../scenario.js';
import { backfill365, sync7 } from './ledger-run.js';
import { reconcile10k } from './reconcile-10k.js';

export const SCENARIOS: readonly Scenario[] = [sync7, backfill365, reconcile10k];
