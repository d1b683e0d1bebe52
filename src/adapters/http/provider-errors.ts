// Failures that stop a provider's fetch altogether instead of marking days: the key
// cannot read usage at all, or the provider rejects the request itself. Retrying or
// moving on to the next day would only repeat them, so they are thrown to the command.

export class ScopeMissingError extends Error {
  readonly code = 'SCOPE_MISSING' as const;
  readonly provider: string;
  readonly status: number;
  constructor(message: string, details: { provider: string; status: number; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ScopeMissingError';
    this.provider = details.provider;
    this.status = details.status;
  }
}

export class ProviderRequestError extends Error {
  readonly code = 'PROVIDER_ERROR' as const;
  readonly provider: string;
  readonly status: number;
  /** The provider's own explanation, already redacted. */
  readonly providerMessage: string | undefined;
  constructor(
    message: string,
    details: { provider: string; status: number; providerMessage?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderRequestError';
    this.provider = details.provider;
    this.status = details.status;
    this.providerMessage = details.providerMessage;
  }
}
