// Secrets must never reach a log line or an error message, even when a provider echoes
// the key back in an error body, echoes only part of it, or a proxy puts it in a page.

import { CREDENTIAL_PREFIX, MASK, redactCredentialShapes } from '../../domain/credential-shapes.js';

export type Redactor = (text: string) => string;

/**
 * Rule for pieces of a known secret: any 6 consecutive characters of it that reach past
 * its public prefix and hold a digit or a capital letter. Random key bodies nearly always
 * do; ordinary lower-case words ("secret", "admin-") never do, so prose stays readable.
 */
export const SECRET_PIECE_LENGTH = 6;
const KEY_LIKE_PIECE = /[0-9A-Z]/;

function secretPieces(secret: string): string[] {
  const bodyStart = CREDENTIAL_PREFIX.exec(secret)?.[0].length ?? 0;
  const pieces: string[] = [];
  for (let start = 0; start + SECRET_PIECE_LENGTH <= secret.length; start += 1) {
    if (start + SECRET_PIECE_LENGTH <= bodyStart) continue;
    const piece = secret.slice(start, start + SECRET_PIECE_LENGTH);
    if (KEY_LIKE_PIECE.test(piece)) pieces.push(piece);
  }
  return pieces;
}

/** Masks every stretch of `text` made of overlapping pieces of the secrets. */
function maskPieces(text: string, pieces: ReadonlySet<string>): string {
  if (pieces.size === 0 || text.length < SECRET_PIECE_LENGTH) return text;
  const covered = new Uint8Array(text.length);
  let found = false;
  for (let start = 0; start + SECRET_PIECE_LENGTH <= text.length; start += 1) {
    if (!pieces.has(text.slice(start, start + SECRET_PIECE_LENGTH))) continue;
    covered.fill(1, start, start + SECRET_PIECE_LENGTH);
    found = true;
  }
  if (!found) return text;
  let result = '';
  for (let index = 0; index < text.length; index += 1) {
    if (covered[index] === 0) result += text[index];
    else if (index === 0 || covered[index - 1] === 0) result += MASK;
  }
  return result;
}

/**
 * A redactor for the known `secrets` and for anything shaped like a credential: each
 * secret whole, then credential shapes, then any piece of a secret (see the rule above).
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is masked whole.
  const masks = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
  const pieces = new Set(masks.flatMap(secretPieces));
  return (text) => {
    let result = text;
    for (const secret of masks) result = result.split(secret).join(MASK);
    return maskPieces(redactCredentialShapes(result), pieces);
  };
}
