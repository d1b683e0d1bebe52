// Reading what one response carries: a successful body handed to a reader as it arrives,
// and the provider's own words from an error body.

import { decodeUtf8Body } from '../../lib/json/utf8.js';
import { parseJsonExact, type JsonValue } from '../../lib/json/json.js';

/**
 * Reads a successful response's body as its bytes arrive, so a large body need never be
 * held whole. A fresh reader is opened for every attempt. A SyntaxError from write or end
 * means the body is not the JSON expected; anything else thrown is passed on as it is.
 */
export interface BodyReader<Body> {
  write(chunk: Uint8Array): void;
  end(): Body;
}

/** The whole body as one text, parsed exactly: what getJson reads with. */
export function wholeJsonReader(): BodyReader<JsonValue> {
  const chunks: Uint8Array[] = [];
  return {
    write(chunk) {
      chunks.push(chunk);
    },
    end() {
      return parseJsonExact(decodeUtf8Body(Buffer.concat(chunks)));
    },
  };
}

/** Thrown out of a body's read loop when the reader, not the connection, failed. */
export class ReaderFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Feeds the body to the reader as it arrives. A reader's failure comes out wrapped in
 * ReaderFailure, so it is never taken for the connection's (which may be retried); the
 * body is then abandoned, which closes its stream.
 */
export async function readBody<Body>(stream: AsyncIterable<Uint8Array>, reader: BodyReader<Body>): Promise<Body> {
  for await (const chunk of stream) {
    try {
      reader.write(chunk);
    } catch (error) {
      throw new ReaderFailure(error);
    }
  }
  try {
    return reader.end();
  } catch (error) {
    throw new ReaderFailure(error);
  }
}

/** The provider's own words from an error body: `{error: {message}}`, `{error}` or `{message}`. */
export function providerMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return trimmed === '' ? undefined : trimmed.slice(0, 300);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'object' && error !== null) {
    const inner = (error as { message?: unknown }).message;
    if (typeof inner === 'string') return inner;
  }
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  return undefined;
}
