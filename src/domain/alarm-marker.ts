// The hidden marker that keeps an alarm's state in its issue body, so the next run needs
// no other storage: which alarm the issue is, how many clean runs it has seen, and the
// digest of the findings it last reported.
//
// The marker is an HTML comment on the body's first line. Only a marker there counts:
// every other line of the body is rendered from escaped text, and anchoring the parse
// to the start means even a marker that slipped into the text further down is ignored.

export interface AlarmMarker {
  v: 1;
  fingerprint: string;
  clean_runs: number;
  findings: string;
}

const PREFIX = '<!-- usage-ledger:alarm ';
const SUFFIX = ' -->';
// No `s` flag: the JSON is on one line, and `.` must not run past it into the body.
const MARKER_PATTERN = /^\uFEFF?\s*<!-- usage-ledger:alarm (\{.*?\}) -->/;
const DIGEST_PATTERN = /^[0-9a-f]{16}$/;

/**
 * A JSON string literal in which only letters, digits and `_./- ` stay as they are; every
 * other character is a \u escape, which JSON.parse reads back unchanged. Provider text in
 * a fingerprint therefore cannot close the comment early (`-->`, `--!>`), open a nested
 * one, or leave a raw tag, mention or link anywhere in the body's source.
 */
function inertJsonString(text: string): string {
  let literal = '"';
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    literal += /[A-Za-z0-9_./ -]/.test(character) ? character : `\\u${text.charCodeAt(index).toString(16).padStart(4, '0')}`;
  }
  return `${literal}"`;
}

/** The marker as a one-line HTML comment, fields in a fixed order. */
export function renderMarker(marker: AlarmMarker): string {
  const json = `{"v":${marker.v},"fingerprint":${inertJsonString(marker.fingerprint)},"clean_runs":${marker.clean_runs},"findings":${inertJsonString(marker.findings)}}`;
  return `${PREFIX}${json}${SUFFIX}`;
}

function isMarker(value: unknown): value is AlarmMarker {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    record.v === 1 &&
    typeof record.fingerprint === 'string' &&
    record.fingerprint.length > 0 &&
    Number.isSafeInteger(record.clean_runs) &&
    (record.clean_runs as number) >= 0 &&
    typeof record.findings === 'string' &&
    DIGEST_PATTERN.test(record.findings)
  );
}

/** The marker at the start of an issue body; undefined when absent, malformed or of another version. */
export function parseMarker(body: string): AlarmMarker | undefined {
  const match = MARKER_PATTERN.exec(body);
  if (!match?.[1]) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1]);
  } catch {
    return undefined;
  }
  if (!isMarker(parsed)) return undefined;
  return { v: 1, fingerprint: parsed.fingerprint, clean_runs: parsed.clean_runs, findings: parsed.findings };
}

/** The body with its leading marker removed (the whole body when it has none). */
export function stripMarker(body: string): string {
  const match = MARKER_PATTERN.exec(body);
  return match ? body.slice(match[0].length).replace(/^\r?\n/, '') : body;
}
