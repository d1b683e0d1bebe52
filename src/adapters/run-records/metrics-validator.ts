// Run records are checked against schemas/metrics.schema.json, which ships inside the
// bundle like the ledger's schemas. Only the first failing field is reported: a runner
// fixes one thing at a time, and one precise pointer beats a page of cascading errors.

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import metricsSchema from '../../../schemas/metrics.schema.json' with { type: 'json' };

export interface RecordProblem {
  /** JSON pointer of the offending field ("" for the whole document). */
  field: string;
  /** What is wrong with it, phrased to follow the pointer. */
  reason: string;
}

/**
 * Plain words for "none of the alternatives matched", keyed by where the alternative sits
 * in a record (schema paths are relative to a $ref'd definition, so they are ambiguous).
 */
const ALTERNATIVES: Record<string, string> = {
  '/usage_scope': 'needs an api_key_id or a project_id (or both)',
  '/usage_api_reconciliation/scope': 'needs an api_key_id, a project_id or "unscoped": true',
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // strictRequired is off only because "at least one of" alternatives require properties
  // that their parent declares; every other strict check stays on.
  compiled ??= new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true }).compile(metricsSchema);
  return compiled;
}

export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The value a JSON pointer names inside `document`, or undefined. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const token of pointer.slice(1).split('/').map(unescapePointerToken)) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/**
 * A short rendering of the offending value, so the message shows what was found.
 * `written`: the value as the file spells it, where that differs from what JavaScript
 * reads (1e400 reads as Infinity, a 30-digit count loses its last digits).
 */
export function describeValue(value: unknown, written?: string): string {
  if (value === undefined) return 'nothing';
  if (value === null || typeof value !== 'object') {
    const text = written ?? JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Renders the value at a JSON pointer for a message; the loader passes one that reads the file's own literals. */
export type DescribeAt = (pointer: string, value: unknown) => string;

export const describeParsed: DescribeAt = (_pointer, value) => describeValue(value);

function problemFrom(errors: readonly ErrorObject[], document: unknown, describe: DescribeAt): RecordProblem {
  // An alternative that failed reports its branches' errors first and itself last: name
  // the alternative, since no single branch is what the runner got wrong.
  const last = errors[errors.length - 1];
  const error = last && last.keyword === 'anyOf' ? last : errors[0];
  if (!error) return { field: '', reason: 'does not match the run record schema' };
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { field: `${error.instancePath}/${escapePointerToken(missing)}`, reason: 'is missing' };
  }
  const alternative = error.keyword === 'anyOf' ? ALTERNATIVES[error.instancePath] : undefined;
  if (alternative) return { field: error.instancePath, reason: alternative };
  return { field: error.instancePath, reason: `${error.message ?? 'is invalid'} (found ${describe(error.instancePath, valueAt(document, error.instancePath))})` };
}

/** The first schema violation of a parsed record, or null when it matches. */
export function schemaProblem(document: unknown, describe: DescribeAt = describeParsed): RecordProblem | null {
  const validate = validator();
  if (validate(document)) return null;
  return problemFrom(validate.errors ?? [], document, describe);
}
