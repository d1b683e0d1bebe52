// Typed errors shared by the shells: each maps to an exit code, and every message a user
// sees passes through getErrorMessage so a stray value is never printed as [object Object].

/** Bad usage or configuration: exit code 2, and the message names the input. */
export class UsageError extends Error {
  readonly input: string | undefined;
  constructor(message: string, input?: string, options?: { cause?: unknown }) {
    super(input ? `${input}: ${message}` : message, options);
    this.name = 'UsageError';
    this.input = input;
  }
}

export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Exit codes of the CLI: 0 completed, 1 could not complete, 2 bad usage or configuration. */
export const EXIT_COMPLETED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
