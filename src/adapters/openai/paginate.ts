// Every OpenAI usage query follows the same pagination: send the filters, then the
// `next_page` cursor back as `page` with the same filters until `has_more` is false.
// Anything short of the last page is an error here, never a partial answer.

import type { DataOrigin, FetchFailureCode } from '../../domain/usage-source.js';
import { ProviderRequestError, ScopeMissingError } from '../http/provider-errors.js';
import { AuthError, ClientError, getErrorMessage, HttpError, RetriesExhaustedError } from '../http/errors.js';
import type { OpenAiConnection } from './connection.js';
import { OPENAI_ENDPOINT_SPECS, type OpenAiEndpoint } from './endpoints.js';
import { openPageReader, type PageRead, type ReadPage } from './page-reader.js';

/** A guard against a provider that keeps inventing new cursors. */
export const MAX_PAGES_PER_REQUEST = 1000;

export const SCOPE_MISSING_MESSAGE =
  'OpenAI refused the usage request: the key must be an OpenAI admin key with the api.usage.read scope';

/** A query that could not be completed; the caller marks what it covered, never totals it. */
export class PaginationError extends Error {
  readonly status: 'missing' | 'partial';
  readonly code: FetchFailureCode;
  constructor(status: 'missing' | 'partial', code: FetchFailureCode, message: string) {
    super(message);
    this.name = 'PaginationError';
    this.status = status;
    this.code = code;
  }
}

export interface FetchedPage {
  number: number;
  /** Validated whole; its buckets kept as their exact text. */
  page: ReadPage;
  origin: DataOrigin;
}

function urlFor(baseUrl: string, path: string, query: Record<string, string | string[]>, page?: string): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  if (page !== undefined) url.searchParams.set('page', page);
  return url;
}

/** Configuration errors stop everything (thrown as is); the rest become PaginationError. */
function translate(endpoint: OpenAiEndpoint, error: unknown): Error {
  if (error instanceof AuthError) {
    return new ScopeMissingError(`${SCOPE_MISSING_MESSAGE} (${error.message})`, { provider: 'openai', status: error.status, cause: error });
  }
  if (error instanceof ClientError) {
    return new ProviderRequestError(`OpenAI rejected the ${endpoint} request: ${error.message}`, {
      provider: 'openai',
      status: error.status,
      ...(error.providerMessage === undefined ? {} : { providerMessage: error.providerMessage }),
      cause: error,
    });
  }
  if (error instanceof RetriesExhaustedError) {
    return new PaginationError('missing', error.rateLimited ? 'RATE_LIMITED' : 'PROVIDER_ERROR', error.message);
  }
  if (error instanceof HttpError) return new PaginationError('missing', 'PROVIDER_ERROR', getErrorMessage(error));
  return error instanceof Error ? error : new Error(getErrorMessage(error));
}

export async function* fetchPages(
  connection: OpenAiConnection,
  endpoint: OpenAiEndpoint,
  query: Record<string, string | string[]>,
): AsyncGenerator<FetchedPage> {
  const { path } = OPENAI_ENDPOINT_SPECS[endpoint];
  const label = `openai ${endpoint}`;
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let number = 1; ; number += 1) {
    if (number > MAX_PAGES_PER_REQUEST) {
      throw new PaginationError('partial', 'PROVIDER_ERROR', `${label}: pagination did not end after ${MAX_PAGES_PER_REQUEST} pages`);
    }
    let read: PageRead;
    let origin: DataOrigin;
    try {
      const response = await connection.http.getStreamed(
        {
          url: urlFor(connection.baseUrl, path, query, cursor),
          headers: { authorization: `Bearer ${connection.adminKey}` },
          label,
        },
        () => openPageReader(endpoint),
      );
      read = response.body;
      origin = response.origin;
    } catch (error) {
      throw translate(endpoint, error);
    }
    if (!read.ok) {
      throw new PaginationError('missing', 'SCHEMA_MISMATCH', `${label} page ${number} does not match the expected shape at ${read.issue}`);
    }
    yield { number, page: read.page, origin };

    if (!read.page.has_more) return;
    const next = read.page.next_page;
    if (next === null || next === '') {
      throw new PaginationError('partial', 'PROVIDER_ERROR', `${label}: page ${number} says has_more but gives no next_page`);
    }
    if (seenCursors.has(next)) throw new PaginationError('partial', 'PROVIDER_ERROR', `${label}: repeated pagination cursor on page ${number}`);
    seenCursors.add(next);
    cursor = next;
  }
}
