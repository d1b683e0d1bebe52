// Run records: runs/<framework>/<run_id>/metrics.json, found without following links,
// validated with one precise finding per bad file, and rewritten in their own layout.

export { RECORD_FILE } from './discover.js';
export { badRunRecord, loadRuns } from './load.js';
export { METRICS_SCHEMA, schemaProblem, type RecordProblem } from './metrics-validator.js';
export { assertSafeFilter, escapeUnprintable, isSafeName, printableName, UnsafeRunPathError } from './paths.js';
export { RunChangedError, serializeRun, writeRun } from './serialize.js';
export { firstStepDay, recordProblem } from './step-checks.js';
export type { LoadedRun, RunFilter, RunLoadResult, RunRecord, RunStep, StepUpdate, UsageApiReconciliation, UsageScope } from './types.js';
