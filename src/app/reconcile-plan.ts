// Which runs a reconcile touches, and how: pending or not (age from the run's own
// timestamps, never file times), the scope each is read for, and the runs one scope
// cannot tell apart because they overlap in time.

import { findOverlappingRuns, type RunWindow } from '../domain/attribution.js';
import type { Finding } from '../domain/findings.js';
import type { MinuteUsageScope } from '../adapters/openai/minute-usage.js';
import type { LoadedRun } from '../adapters/run-records/types.js';
import { type ScopeMap, scopeKey } from './run-scopes.js';

export type RunDisposition =
  | 'selected'
  /** Outside the [framework] [run-id] filter: not touched or reported, but its usage still counts when a minute is shared. */
  | 'filtered-out'
  /** Its last step ended less than --min-age ago: the provider may not have it yet. */
  | 'too-young'
  /** Past --max-age without reconciliation: no longer pending unless --force. */
  | 'too-old'
  /** Already has tokens or a successful reconciliation. */
  | 'done'
  | 'unscoped'
  | 'overlap';

export interface PlannedRun {
  run: LoadedRun;
  id: string;
  disposition: RunDisposition;
  scope: MinuteUsageScope | undefined;
  /** Unix seconds of the last step's end. */
  lastEnd: number;
  ageMinutes: number;
}

export interface ReconcilePlan {
  runs: PlannedRun[];
  /** Selected runs grouped by scope key, with every valid run of that scope as a participant. */
  scopes: Map<string, { scope: MinuteUsageScope; selected: PlannedRun[]; participants: RunWindow[] }>;
  findings: Finding[];
}

export interface PlanOptions {
  now: Date;
  framework?: string;
  runId?: string;
  minAgeMinutes: number;
  maxAgeHours: number;
  force: boolean;
  allowUnscoped: boolean;
  scopeMap: ScopeMap;
}

/**
 * Runners may write fractional timestamps (time.time()). Attribution works on whole
 * units, so steps are compared in milliseconds: boundaries stay exact, a step that ends
 * where the next begins still only touches it, and a sub-second step keeps its length.
 */
export const TIME_UNITS_PER_SECOND = 1000;

export function runWindow(planned: Pick<PlannedRun, 'id' | 'run'>): RunWindow {
  return {
    id: planned.id,
    steps: planned.run.record.steps.map((step) => ({
      step_number: step.step_number,
      start: Math.round(step.start_timestamp * TIME_UNITS_PER_SECOND),
      end: Math.round(step.end_timestamp * TIME_UNITS_PER_SECOND),
    })),
  };
}

/** The same steps in whole seconds, widened outward, for the provider query's range. */
export function runWindowSeconds(planned: Pick<PlannedRun, 'id' | 'run'>): RunWindow {
  return {
    id: planned.id,
    steps: planned.run.record.steps.map((step) => ({
      step_number: step.step_number,
      start: Math.floor(step.start_timestamp),
      end: Math.max(Math.floor(step.start_timestamp) + 1, Math.ceil(step.end_timestamp)),
    })),
  };
}

function hasTokens(run: LoadedRun): boolean {
  const metrics = run.record.aggregate_metrics;
  return metrics.TOK_IN > 0 || metrics.TOK_OUT > 0 || run.record.steps.some((step) => step.tokens_in > 0 || step.tokens_out > 0);
}

function scopeOf(run: LoadedRun, map: ScopeMap): MinuteUsageScope | undefined {
  const own = run.record.usage_scope;
  if (own?.api_key_id) return { api_key_id: own.api_key_id };
  if (own?.project_id) return { project_id: own.project_id };
  return map.get(run.framework);
}

function utcDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function runFinding(code: 'UNSCOPED_RUN' | 'RUN_OVERLAP', planned: PlannedRun, message: string, figures: Finding['figures']): Finding {
  return { code, severity: 'medium', provider: 'openai', windows: [utcDay(planned.lastEnd)], message: `${planned.run.relativePath}: ${message}`, figures };
}

/**
 * What to tell the user when a [framework] [run-id] selection names no run record at all
 * (a typo, or a run not written yet), or undefined when it matched one or none was given.
 */
export function unmatchedSelection(plan: ReconcilePlan, selection: { framework?: string | undefined; runId?: string | undefined; runsDir: string; badRecords: number }): string | undefined {
  const { framework, runId } = selection;
  if (framework === undefined && runId === undefined) return undefined;
  if (selection.badRecords > 0 || plan.runs.some((entry) => entry.disposition !== 'filtered-out')) return undefined;
  const named = [framework === undefined ? '' : `framework ${JSON.stringify(framework)}`, runId === undefined ? '' : `run ${JSON.stringify(runId)}`].filter(Boolean).join(' ');
  return `no run matches ${named} under ${selection.runsDir.replace(/\/+$/, '')}/`;
}

export function planReconcile(runs: readonly LoadedRun[], options: PlanOptions): ReconcilePlan {
  const nowSeconds = options.now.getTime() / 1000;
  const planned: PlannedRun[] = runs.map((run) => {
    const lastEnd = Math.max(...run.record.steps.map((step) => step.end_timestamp));
    const ageMinutes = Math.floor((nowSeconds - lastEnd) / 60);
    const reconciled = run.record.usage_api_reconciliation?.status === 'success' || hasTokens(run);
    let disposition: RunDisposition = 'selected';
    if ((options.framework !== undefined && run.framework !== options.framework) || (options.runId !== undefined && run.runId !== options.runId)) {
      disposition = 'filtered-out';
    } else if (reconciled && !options.force) disposition = 'done';
    else if (ageMinutes < options.minAgeMinutes) disposition = 'too-young';
    else if (ageMinutes > options.maxAgeHours * 60 && !options.force) disposition = 'too-old';
    const scope = scopeOf(run, options.scopeMap) ?? (options.allowUnscoped ? null : undefined);
    return { run, id: `${run.framework}/${run.runId}`, disposition, scope, lastEnd, ageMinutes };
  });

  const findings: Finding[] = [];
  for (const entry of planned) {
    if (entry.disposition === 'selected' && entry.scope === undefined) {
      entry.disposition = 'unscoped';
      findings.push(runFinding('UNSCOPED_RUN', entry, 'no usage_scope in the record and no --run-scopes entry for its framework; not reconciled (use --allow-unscoped only if nothing else used the API at the time)', { framework: entry.run.framework }));
    }
  }

  // Runs one scope cannot tell apart. Org-wide (unscoped) runs clash with every other run.
  const valid = planned.filter((entry) => entry.scope !== undefined);
  const byScope = new Map<string, PlannedRun[]>();
  for (const entry of valid) {
    const key = scopeKey(entry.scope as MinuteUsageScope);
    const group = byScope.get(key);
    if (group) group.push(entry);
    else byScope.set(key, [entry]);
  }
  const clashing = new Set<string>();
  for (const [key, group] of byScope) {
    if (key === 'organization') {
      // Organization-wide usage includes every key's traffic: an unscoped run is safe only
      // when no other run at all overlaps it. A keyed run is unaffected by it.
      const unscoped = new Set(group.map((entry) => entry.id));
      for (const pair of findOverlappingRuns(valid.map(runWindow))) for (const id of pair) if (unscoped.has(id)) clashing.add(id);
    } else {
      for (const pair of findOverlappingRuns(group.map(runWindow))) for (const id of pair) clashing.add(id);
    }
  }
  for (const entry of planned) {
    if (entry.disposition !== 'selected' || !clashing.has(entry.id)) continue;
    entry.disposition = 'overlap';
    findings.push(runFinding('RUN_OVERLAP', entry, 'overlaps another run on the same scope in time; their usage cannot be told apart, so it stays pending', { scope: scopeKey(entry.scope as MinuteUsageScope) }));
  }

  const scopes: ReconcilePlan['scopes'] = new Map();
  for (const [key, group] of byScope) {
    const selected = group.filter((entry) => entry.disposition === 'selected');
    if (selected.length === 0) continue;
    const participants = key === 'organization' ? valid : group;
    scopes.set(key, { scope: selected[0]!.scope as MinuteUsageScope, selected, participants: participants.map(runWindow) });
  }
  return { runs: planned, scopes, findings };
}
