// A run's new figures, as a pure function of the record and its attribution: step tokens,
// aggregate TOK_IN/TOK_OUT, the derived AEI, and the reconciliation block an auditor reads.

import type { RunFigure } from '../domain/attribution.js';
import type { MinuteUsageScope } from '../adapters/openai/minute-usage.js';
import type { RunRecord } from '../adapters/run-records/types.js';

export interface ReconcileContext {
  reconciledAt: string;
  scope: MinuteUsageScope;
  query: { start_time: number; end_time: number; bucket_width: '1m' };
  /** Pages fetched for the run's scope (shared by every run of that scope). */
  requests: number;
}

/** AEI = AUTR / ln(1 + TOK_IN), 0 when TOK_IN is 0; not rounded. */
export function efficiencyIndex(autr: number, tokensIn: number): number {
  return tokensIn === 0 ? 0 : autr / Math.log1p(tokensIn);
}

function scopeRecord(scope: MinuteUsageScope): Record<string, unknown> {
  return scope === null ? { provider: 'openai', unscoped: true } : { provider: 'openai', ...scope };
}

export function reconciledRecord(record: RunRecord, figure: RunFigure, context: ReconcileContext): RunRecord {
  const byStep = new Map(figure.steps.map((step) => [step.step_number, step]));
  const steps = record.steps.map((step) => {
    const attributed = byStep.get(step.step_number);
    return attributed ? { ...step, tokens_in: attributed.tokens_in, tokens_out: attributed.tokens_out } : step;
  });
  const metrics: RunRecord['aggregate_metrics'] = { ...record.aggregate_metrics, TOK_IN: figure.tokens_in, TOK_OUT: figure.tokens_out };
  if (typeof metrics.AUTR === 'number') metrics.AEI = efficiencyIndex(metrics.AUTR, figure.tokens_in);
  const block = {
    reconciled_at: context.reconciledAt,
    status: 'success',
    total_tokens_in: figure.tokens_in,
    total_tokens_out: figure.tokens_out,
    steps_with_tokens: figure.steps.filter((step) => step.tokens_in + step.tokens_out > 0).length,
    total_steps: record.steps.length,
    steps_updated: figure.steps.map((step) => ({
      step: step.step_number,
      status: step.tokens_in + step.tokens_out > 0 ? 'updated' : 'no_usage',
      tokens_in: step.tokens_in,
      tokens_out: step.tokens_out,
      method: step.method,
    })),
    scope: scopeRecord(context.scope),
    query: context.query,
    requests: context.requests,
  };
  return { ...record, steps, aggregate_metrics: metrics, usage_api_reconciliation: block } as RunRecord;
}

/** True when a re-reconciliation found the same figures as the record already holds. */
export function sameFigures(record: RunRecord, figure: RunFigure): boolean {
  const previous = record.usage_api_reconciliation as { status?: string; steps_updated?: Array<{ step: number; tokens_in: number; tokens_out: number; method?: string }> } | undefined;
  if (previous?.status !== 'success' || !previous.steps_updated) return false;
  if (record.aggregate_metrics.TOK_IN !== figure.tokens_in || record.aggregate_metrics.TOK_OUT !== figure.tokens_out) return false;
  const before = new Map(previous.steps_updated.map((step) => [step.step, step]));
  return figure.steps.every((step) => {
    const old = before.get(step.step_number);
    return old !== undefined && old.tokens_in === step.tokens_in && old.tokens_out === step.tokens_out && old.method === step.method;
  });
}
