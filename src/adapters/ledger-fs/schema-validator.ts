// Every file the ledger writes is validated against its JSON Schema before it is written;
// the schemas ship inside the bundle so a validation never depends on the working tree.

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import diffSchema from '../../../schemas/diff.schema.json' with { type: 'json' };
import findingSchema from '../../../schemas/finding.schema.json' with { type: 'json' };
import manifestSchema from '../../../schemas/manifest.schema.json' with { type: 'json' };
import rawSchema from '../../../schemas/raw.schema.json' with { type: 'json' };
import runDiffSchema from '../../../schemas/run-diff.schema.json' with { type: 'json' };
import recordSchema from '../../../schemas/record.schema.json' with { type: 'json' };
import snapshotSchema from '../../../schemas/snapshot.schema.json' with { type: 'json' };

export type LedgerFileKind = 'snapshot' | 'raw' | 'manifest' | 'diff' | 'run-diff';

const SCHEMAS: Record<LedgerFileKind, { $id: string }> = {
  snapshot: snapshotSchema,
  raw: rawSchema,
  manifest: manifestSchema,
  diff: diffSchema,
  'run-diff': runDiffSchema,
};

export class SchemaViolationError extends Error {
  readonly kind: string;
  readonly errors: ErrorObject[];
  constructor(kind: string, errors: ErrorObject[], where: string) {
    const detail = errors
      .slice(0, 5)
      .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`)
      .join('; ');
    super(`${where} does not match the ${kind} schema: ${detail}`);
    this.name = 'SchemaViolationError';
    this.kind = kind;
    this.errors = errors;
  }
}

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addSchema(recordSchema);
  ajv.addSchema(findingSchema);
  const byKind = new Map<string, ValidateFunction>();
  for (const [kind, schema] of Object.entries(SCHEMAS)) byKind.set(kind, ajv.compile(schema));
  compiled = byKind;
  return byKind;
}

/** Throws SchemaViolationError naming the file when `value` does not match. */
export function assertValid(kind: LedgerFileKind, value: unknown, where: string): void {
  const validate = validators().get(kind);
  if (!validate) throw new Error(`no schema for ${kind}`);
  if (!validate(value)) throw new SchemaViolationError(kind, validate.errors ?? [], where);
}
