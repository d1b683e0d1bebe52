// Which API key or project a run's usage is read for. A run names its own scope in
// `usage_scope`; otherwise the framework-to-scope map given by --run-scopes decides.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { MinuteUsageScope } from '../adapters/openai/minute-usage.js';

export type ScopeMap = ReadonlyMap<string, Exclude<MinuteUsageScope, null>>;

function scopeFromId(framework: string, id: string): Exclude<MinuteUsageScope, null> {
  if (/^key_[A-Za-z0-9_-]+$/.test(id)) return { api_key_id: id };
  if (/^proj_[A-Za-z0-9_-]+$/.test(id)) return { project_id: id };
  throw new UsageError(`the scope of ${JSON.stringify(framework)} must be an API key id (key_...) or a project id (proj_...), got ${JSON.stringify(id)}`, 'run-scopes');
}

function fromJson(value: unknown, file: string): ScopeMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${file} must hold an object of framework to {"api_key_id": ...} or {"project_id": ...}`, 'run-scopes');
  }
  const map = new Map<string, Exclude<MinuteUsageScope, null>>();
  for (const [framework, scope] of Object.entries(value)) {
    const entry = scope as { api_key_id?: unknown; project_id?: unknown } | string;
    if (typeof entry === 'string') map.set(framework, scopeFromId(framework, entry));
    else if (typeof entry?.api_key_id === 'string') map.set(framework, scopeFromId(framework, entry.api_key_id));
    else if (typeof entry?.project_id === 'string') map.set(framework, scopeFromId(framework, entry.project_id));
    else throw new UsageError(`${file}: ${JSON.stringify(framework)} needs an api_key_id or a project_id`, 'run-scopes');
  }
  return map;
}

/** Inline pairs ("chatdev=key_abc,metagpt=proj_x") or a JSON file, relative to `cwd`. */
export async function resolveScopeMap(text: string | undefined, cwd: string): Promise<ScopeMap> {
  if (text === undefined) return new Map();
  if (!text.includes('=')) {
    const file = path.resolve(cwd, text);
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`expected "framework=key_..." pairs or a readable JSON file, and ${file} cannot be read`, 'run-scopes');
    }
    try {
      return fromJson(JSON.parse(content), file);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${file} is not valid JSON`, 'run-scopes');
    }
  }
  const map = new Map<string, Exclude<MinuteUsageScope, null>>();
  for (const pair of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [framework, id, extra] = pair.split('=').map((item) => item.trim());
    if (!framework || !id || extra !== undefined) throw new UsageError(`expected framework=scope pairs separated by commas, got ${JSON.stringify(pair)}`, 'run-scopes');
    map.set(framework, scopeFromId(framework, id));
  }
  return map;
}

/** A stable name for a scope, for grouping and for the record. */
export function scopeKey(scope: MinuteUsageScope): string {
  if (scope === null) return 'organization';
  return 'api_key_id' in scope ? `api_key_id:${scope.api_key_id}` : `project_id:${scope.project_id}`;
}
