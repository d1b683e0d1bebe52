// Typed failures of the HTTP client. Callers decide by type (a 403 is a configuration
// problem, an exhausted 429 is a rate limit), never by parsing messages. Every message
// is redacted before it reaches one of these constructors.

export interface HttpErrorDetails {
  label: string;
  /** The URL path only: queries can carry filters, never secrets, but we do not risk it. */
  path: string;
  cause?: unknown;
}

export class HttpError extends Error {
  readonly label: string;
  readonly path: string;
  constructor(message: string, details: HttpErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.label = details.label;
    this.path = details.path;
  }
}

/** A status the provider answered that retrying cannot change, with its own explanation. */
export class RefusedError extends HttpError {
  readonly status: number;
  readonly providerMessage: string | undefined;
  constructor(message: string, details: HttpErrorDetails & { status: number; providerMessage?: string }) {
    super(message, details);
    this.status = details.status;
    this.providerMessage = details.providerMessage;
  }
}

/** 401/403: the credential is wrong or lacks a scope. */
export class AuthError extends RefusedError {}

/** Any other status that retrying cannot fix (400, 404, 422, an unexpected redirect). */
export class ClientError extends RefusedError {}

/** 429, 5xx or network failures outlasted every retry. */
export class RetriesExhaustedError extends HttpError {
  /** The status of the last attempt; undefined when it failed before any response. */
  readonly lastStatus: number | undefined;
  readonly attempts: number;
  /** True when the last attempt was refused with 429, so callers can report a rate limit. */
  readonly rateLimited: boolean;
  constructor(
    message: string,
    details: HttpErrorDetails & { lastStatus: number | undefined; attempts: number; rateLimited: boolean },
  ) {
    super(message, details);
    this.lastStatus = details.lastStatus;
    this.attempts = details.attempts;
    this.rateLimited = details.rateLimited;
  }
}

/** A successful status whose body is not JSON: a proxy page or a truncated response. */
export class InvalidResponseError extends HttpError {
  readonly status: number;
  constructor(message: string, details: HttpErrorDetails & { status: number }) {
    super(message, details);
    this.status = details.status;
  }
}

export type DeadlineKind = 'request' | 'run';

/**
 * The request's total time, or the run's, ran out before a complete answer. Never
 * retried: the time it would take is exactly what is gone.
 */
export class DeadlineExceededError extends HttpError {
  readonly deadline: DeadlineKind;
  readonly timeoutMs: number;
  constructor(message: string, details: HttpErrorDetails & { deadline: DeadlineKind; timeoutMs: number }) {
    super(message, details);
    this.deadline = details.deadline;
    this.timeoutMs = details.timeoutMs;
  }
}

/** The message of anything thrown, without casting to any. */
export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
