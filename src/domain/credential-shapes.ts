// Credentials recognised by their shape alone, so a key can be masked even where nobody
// told us the secret: a provider echoing part of it, a proxy's error page, a pasted token.
// Pure: the domain applies it where provider text becomes a finding or a manifest field.

/** What stands in for a masked credential or the masked part of one. */
export const MASK = '***';

/**
 * Prefixes that mark a credential: OpenAI keys (sk-, sk-admin-, sk-proj-, sk-svcacct-),
 * Anthropic keys (sk-ant-api03-, sk-ant-admin01-) and GitHub tokens. The prefix says only
 * what kind of key it is, so it stays visible; everything after it is masked.
 */
const KEY_PREFIX = String.raw`sk-ant-(?:admin|api)\d*-|sk-(?:admin|proj|svcacct|None)-|sk-|gh[pousr]_|github_pat_`;
/** A prefix spelled out, for telling a secret's public start from its body. */
export const CREDENTIAL_PREFIX = new RegExp(`^(?:${KEY_PREFIX})`);

const BODY_CHARACTER = String.raw`[A-Za-z0-9_-]`;
/** Where a provider elides the middle of a key: "…", "..." or "****". */
const ELISION = String.raw`(?:…|\.{2,}|\*{2,})`;
/** Not preceded by a key character, so "task-" or "desk-lamp" never start a match. */
const KEY_SHAPE = new RegExp(String.raw`(?<![A-Za-z0-9_-])(${KEY_PREFIX})((?:${BODY_CHARACTER}|${ELISION})*)`, 'g');
const HAS_ELISION = new RegExp(ELISION);
/** A bare "sk-" needs this much after it (or an elision) before it is taken for a key. */
const BARE_SK_MIN_BODY = 6;

/** `Authorization: Bearer <anything>` as logged or echoed back. */
const BEARER = /\b(Bearer)\s+[^\s"',;)]+/gi;

function maskKey(match: string, prefix: string, rest: string): string {
  if (rest === '' || rest === MASK) return match;
  if (prefix === 'sk-' && rest.length < BARE_SK_MIN_BODY && !HAS_ELISION.test(rest)) return match;
  return `${prefix}${MASK}`;
}

/**
 * `text` with every credential-shaped piece masked: provider keys and GitHub tokens whole
 * or truncated (`sk-admin-SEC…7f3a9c` becomes `sk-admin-***`), and bearer tokens.
 */
export function redactCredentialShapes(text: string): string {
  return text.replace(KEY_SHAPE, maskKey).replace(BEARER, `$1 ${MASK}`);
}
