// Prepared JSON text set aside for later in a fraction of its size. A page's buckets wait
// until their day is written (a costs page's for up to 180 days of usage batches); kept
// as text they would be most of what a long backfill holds. Deflate at its fastest level
// shrinks such text (the same keys again and again) about tenfold for little CPU, and
// loses nothing.

import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { PreparedJson } from './json.js';

export interface PackedJson {
  packed: Buffer;
  form: PreparedJson['form'];
}

export function packJson({ text, form }: PreparedJson): PackedJson {
  return { packed: deflateRawSync(text, { level: constants.Z_BEST_SPEED }), form };
}

export function unpackJson({ packed, form }: PackedJson): PreparedJson {
  return { text: inflateRawSync(packed).toString('utf8'), form };
}
