// The shape of a run record as the rest of the tool sees it, after it passed the schema
// and the step checks. Every object keeps an index signature: a runner's own fields ride
// along untouched and are written back where they were.

import type { Finding } from '../../domain/findings.js';

export interface RunStep {
  step_number: number;
  tokens_in: number;
  tokens_out: number;
  /** Unix seconds, integer or fractional. */
  start_timestamp: number;
  /** Unix seconds, strictly after start_timestamp. */
  end_timestamp: number;
  [key: string]: unknown;
}

export interface UsageScope {
  provider: 'openai';
  api_key_id?: string;
  project_id?: string;
  [key: string]: unknown;
}

export interface StepUpdate {
  step: number;
  status: string;
  tokens_in: number;
  tokens_out: number;
  method: 'exact' | 'apportioned';
  [key: string]: unknown;
}

export interface UsageApiReconciliation {
  reconciled_at: string;
  status: 'success' | 'data_not_available' | 'error';
  total_tokens_in?: number;
  total_tokens_out?: number;
  steps_with_tokens?: number;
  total_steps?: number;
  steps_updated?: StepUpdate[];
  scope?: { provider?: 'openai'; api_key_id?: string; project_id?: string; unscoped?: true; [key: string]: unknown };
  query?: { start_time: number; end_time: number; bucket_width: '1m'; [key: string]: unknown };
  requests?: number;
  [key: string]: unknown;
}

export interface RunRecord {
  run_id: string;
  framework?: string;
  steps: RunStep[];
  aggregate_metrics: Record<string, unknown> & { TOK_IN: number; TOK_OUT: number; AEI?: number; AUTR?: number };
  usage_scope?: UsageScope;
  usage_api_reconciliation?: UsageApiReconciliation;
  [key: string]: unknown;
}

export interface LoadedRun {
  /** The framework directory's name. */
  framework: string;
  /** The run directory's name, equal to record.run_id. */
  runId: string;
  /** Absolute path of metrics.json. */
  file: string;
  /** Forward slashes, starting with the runs directory's own name: runs/chatdev/run-1/metrics.json. */
  relativePath: string;
  /**
   * A digest of the file's text as read. The text itself is not kept (ten thousand records
   * would hold it all in memory at once): writeRun reads the file again, checks it still
   * has this digest, and takes key order, layout and literals from it.
   */
  digest: string;
  record: RunRecord;
}

export interface RunLoadResult {
  /** Valid runs, sorted by framework then run id. */
  runs: LoadedRun[];
  /** One BAD_RUN_RECORD per rejected file or directory, in the same order. */
  findings: Finding[];
}

export interface RunFilter {
  framework?: string | undefined;
  runId?: string | undefined;
}
