// The ledger on disk: reads what is there (refusing to touch a file it cannot parse),
// and writes each file atomically after validating it against its schema.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJsonAround, canonicalJsonBytes, canonicalJsonPieces } from '../../lib/json/json.js';
import type { Snapshot } from '../../domain/snapshot.js';
import type { DataOrigin, RawEndpointDay } from '../../domain/usage-source.js';
import type { ManifestEntry } from '../../domain/window-state.js';
import { writeFileAtomic, writeHashedFileAtomic } from './atomic-write.js';
import { assertNoSymlinksBelow, symlinkGuard } from './no-symlinks.js';
import { ledgerPaths, resolveInside } from './paths.js';
import { assertValid, type LedgerFileKind, SchemaViolationError } from './schema-validator.js';

export interface Manifest {
  schema_version: 1;
  origin: DataOrigin | null;
  windows: Record<string, Record<string, ManifestEntry>>;
}

/** A ledger file exists but cannot be read as what it should be; it is left untouched. */
export class LedgerFileError extends Error {
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot use ${file}: ${reason}; the file was left as it is`, options);
    this.name = 'LedgerFileError';
    this.file = file;
  }
}

/** The hash a manifest entry or a diff file's name holds for these bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Streamed: a large organization's snapshot is several MB. */
function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function emptyManifest(): Manifest {
  return { schema_version: 1, origin: null, windows: {} };
}

export interface LedgerStore {
  readonly auditDir: string;
  /** Refuses a ledger that holds a symbolic link anywhere, before anything is written. */
  assertNoSymlinks(): Promise<void>;
  readManifest(): Promise<Manifest>;
  readSnapshot(provider: string, date: string): Promise<Snapshot | undefined>;
  /** The sha256 of a snapshot file's bytes, or undefined when there is none. */
  snapshotSha256(provider: string, date: string): Promise<string | undefined>;
  /** Each write returns the absolute path written. */
  writePrepared(file: PreparedFile): Promise<string>;
  writeDiff(runAt: Date, command: string, diff: object, kind?: 'diff' | 'run-diff'): Promise<string>;
  writeManifest(manifest: Manifest): Promise<string>;
  /** Writes the generated audit/README.md when its text differs; returns the path, or undefined when unchanged. */
  writeReadme(text: string): Promise<string | undefined>;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseLedgerFile(kind: LedgerFileKind, file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LedgerFileError(file, 'it is not valid JSON', { cause: error });
  }
  try {
    assertValid(kind, value, file);
  } catch (error) {
    if (error instanceof SchemaViolationError) throw new LedgerFileError(file, error.message, { cause: error });
    throw error;
  }
  return value;
}

/**
 * A day's ledger file, validated against its schema and encoded, not yet written: the
 * update writes a day's files in order, the snapshot after its raw files.
 */
export interface PreparedFile {
  /** Relative to the audit directory. */
  relative: string;
  bytes: Uint8Array;
}

/** The snapshot file, from its canonical bytes (already hashed by the caller). */
export function prepareSnapshotFile(snapshotBytes: Uint8Array, snapshot: Snapshot): PreparedFile {
  const relative = ledgerPaths.snapshot(snapshot.provider, snapshot.date);
  assertValid('snapshot', snapshot, relative);
  return { relative, bytes: snapshotBytes };
}

/**
 * One endpoint's raw file for a day: the provider's own bytes for each bucket, unchanged,
 * in a canonical frame. The frame is checked here; each bucket was held to its endpoint's
 * schema, which asks more of a bucket than the raw file's, as its page was read.
 */
export function prepareRawFile(provider: string, date: string, origin: DataOrigin, raw: RawEndpointDay): PreparedFile {
  const relative = ledgerPaths.raw(provider, date, raw.endpoint);
  const about = { schema_version: 1, provider, date, endpoint: raw.endpoint, origin, request: raw.request, pages: raw.pages };
  assertValid('raw', { ...about, buckets: [] }, relative);
  return { relative, bytes: canonicalJsonAround(about, 'buckets', raw.buckets.map((bucket) => bucket.bytes)) };
}

export function createLedgerStore(auditDir: string): LedgerStore {
  const refuseLinks = symlinkGuard(auditDir);
  /** The absolute path of a ledger file, refusing one reached through a symbolic link. */
  const at = async (relative: string): Promise<string> => {
    const file = resolveInside(auditDir, relative);
    await refuseLinks(file);
    return file;
  };

  async function writeValidated(kind: LedgerFileKind, relative: string, value: unknown): Promise<string> {
    assertValid(kind, value, relative);
    const file = await at(relative);
    await writeFileAtomic(file, canonicalJsonBytes(value));
    return file;
  }

  return {
    auditDir,
    assertNoSymlinks: () => assertNoSymlinksBelow(auditDir),
    async readManifest() {
      const file = await at(ledgerPaths.manifest());
      const text = await readIfPresent(file);
      if (text === undefined) return emptyManifest();
      return parseLedgerFile('manifest', file, text) as Manifest;
    },
    async readSnapshot(provider, date) {
      const file = await at(ledgerPaths.snapshot(provider, date));
      const text = await readIfPresent(file);
      if (text === undefined) return undefined;
      return parseLedgerFile('snapshot', file, text) as Snapshot;
    },
    async snapshotSha256(provider, date) {
      const file = await at(ledgerPaths.snapshot(provider, date));
      try {
        return await sha256OfFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async writePrepared(file) {
      const target = await at(file.relative);
      await writeFileAtomic(target, file.bytes);
      return target;
    },
    async writeDiff(runAt, command, diff, kind = 'diff') {
      const directory = ledgerPaths.diffDirectory(runAt);
      assertValid(kind, diff, `${directory}/ (the ${command} diff)`);
      // A run diff lists every run reconciled: written run by run, so its text is never
      // held whole. Its name holds the first 8 hex digits of its own hash.
      const pieces = canonicalJsonPieces(diff as Record<string, unknown>, kind === 'run-diff' ? 'runs' : 'windows');
      return writeHashedFileAtomic(await at(directory), pieces, (sha256) => path.basename(ledgerPaths.diff(runAt, command, sha256.slice(0, 8))));
    },
    writeManifest(manifest) {
      return writeValidated('manifest', ledgerPaths.manifest(), manifest);
    },
    async writeReadme(text) {
      const file = await at(ledgerPaths.readme());
      if ((await readIfPresent(file)) === text) return undefined;
      await writeFileAtomic(file, text);
      return file;
    },
  };
}
