// Bytes set aside for later in a fraction of their size. A page's buckets wait until
// their day is written (a costs page's for up to 180 days of usage batches); kept as
// they arrived they would be most of what a long backfill holds. Deflate at its fastest
// level shrinks such JSON (the same keys again and again) about tenfold for little CPU,
// and loses nothing: the bytes come back exactly.

import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

/** Deflated bytes; a distinct type so they are never taken for the bytes themselves. */
export interface PackedBytes {
  packed: Buffer;
}

export function packBytes(bytes: Uint8Array): PackedBytes {
  return { packed: deflateRawSync(bytes, { level: constants.Z_BEST_SPEED }) };
}

export function unpackBytes({ packed }: PackedBytes): Buffer {
  return inflateRawSync(packed);
}
