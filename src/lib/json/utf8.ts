// UTF-8 both ways: bytes to text the way undici's body.text() does it, so reading a body
// in pieces gives the same characters as reading it whole; and text to bytes for files.

const encoder = new TextEncoder();

/** Text to UTF-8 bytes, for text that is both hashed and written: encoded once for both. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A piece of a document: decoded as it is (a byte order mark inside a document is a character). */
export function decodeUtf8(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('utf8');
}

/** A whole body: a leading byte order mark is dropped. */
export function decodeUtf8Body(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('utf8', startsWithByteOrderMark(bytes) ? BYTE_ORDER_MARK.length : 0);
}

export function startsWithByteOrderMark(bytes: Uint8Array): boolean {
  return bytes.length >= BYTE_ORDER_MARK.length && BYTE_ORDER_MARK.every((byte, index) => bytes[index] === byte);
}

/** True while `bytes` could still be the start of a byte order mark (an empty head included). */
export function mayBeByteOrderMarkStart(bytes: Uint8Array): boolean {
  return bytes.length < BYTE_ORDER_MARK.length && Array.from(bytes).every((byte, index) => byte === BYTE_ORDER_MARK[index]);
}
