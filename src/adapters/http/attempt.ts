// One attempt at a GET: send it, read the status and headers, then the body, all under a
// signal that cuts it off when a deadline ends. Deciding what the outcome means (retry,
// give up, which error) is the client's job.

import { request, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { readBody, ReaderFailure, type BodyReader } from './response-body.js';

export interface AttemptRequest<Body> {
  url: URL;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  signal: AbortSignal;
  openReader: () => BodyReader<Body>;
}

export interface AttemptOutcome<Body> {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** A successful status's body as the reader made it. */
  body: Body | undefined;
  /** Any other status's body as text, for the provider's explanation. */
  text: string;
  /** Set when the reader, not the connection, failed. */
  readerError: { error: unknown } | undefined;
}

/** What an attempt was doing, for the message when a deadline cuts it off. */
export interface AttemptProgress {
  phase: 'waiting for the response' | 'reading the body';
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Rejects with the transport's error (or the signal's) when no whole response arrived. */
export async function sendAttempt<Body>(attempt: AttemptRequest<Body>, progress: AttemptProgress): Promise<AttemptOutcome<Body>> {
  progress.phase = 'waiting for the response';
  const response = await request(attempt.url, {
    method: 'GET',
    headers: { accept: 'application/json', ...attempt.headers },
    dispatcher: attempt.dispatcher,
    headersTimeout: attempt.headersTimeoutMs,
    bodyTimeout: attempt.bodyTimeoutMs,
    signal: attempt.signal,
  });
  progress.phase = 'reading the body';
  const outcome: AttemptOutcome<Body> = {
    status: response.statusCode,
    headers: flattenHeaders(response.headers),
    body: undefined,
    text: '',
    readerError: undefined,
  };
  if (outcome.status >= 200 && outcome.status <= 299) {
    try {
      outcome.body = await readBody(response.body, attempt.openReader());
    } catch (error) {
      if (!(error instanceof ReaderFailure)) throw error;
      outcome.readerError = { error: error.error };
    }
  } else outcome.text = await response.body.text();
  return outcome;
}
