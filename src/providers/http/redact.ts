// Secrets must never reach a log line or an error message, even when a provider echoes
// the key back in an error body or a proxy puts it in a page.

export type Redactor = (text: string) => string;

export const REDACTED = '***';

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is masked whole.
  const masks = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of masks) result = result.split(secret).join(REDACTED);
    return result;
  };
}
