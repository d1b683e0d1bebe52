// Splits one JSON document, fed as byte chunks in any sizes, into the elements of the
// array under one key of its top-level object and the rest of the document (the
// envelope, with that array left empty). A provider page can be far larger than any one
// of its buckets; split this way it never has to be held as one string or one tree.
//
// The scanner only follows structure: strings (with their escapes), nesting, and the
// commas between the array's elements. Whether each piece is valid JSON is left to the
// parser the pieces go to; since every byte lands in the envelope or in an element, and
// the separators are checked here, the document is valid exactly when every piece is.
// Structural characters are ASCII and never occur inside a multi-byte UTF-8 sequence, so
// scanning bytes is safe whatever the text holds.

import { decodeUtf8, mayBeByteOrderMarkStart, startsWithByteOrderMark } from './utf8.js';

/** The document is not JSON; found while scanning, before any piece is parsed. */
export class MalformedJsonError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedJsonError';
  }
}

/** One element of the split array, exactly as its bytes arrived. */
export interface JsonElementBytes {
  bytes: Buffer;
}

export interface SplitResult {
  /** The document without the array's elements (the array written as []). */
  envelope: string;
  /**
   * True when the top-level value is an object whose (last) entry under the key is an
   * array: the elements reported since the last onArrayStart are that array's. False: the
   * envelope is the whole document and any elements reported are to be ignored.
   */
  split: boolean;
}

export interface ArraySplitterEvents {
  /** A (new) array under the key begins; elements reported before belong to an earlier, overridden entry. */
  onArrayStart(): void;
  onElement(element: JsonElementBytes): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Where the bytes being scanned go. */
const enum Region {
  Envelope,
  /** Whitespace and commas between the array's elements: dropped. */
  Between,
  Element,
}

/** Where the top-level object stands, for finding the key and its value. */
const enum TopLevel {
  /** Before the document's first value. */
  Start,
  /** The top-level value is not an object: nothing is split. */
  NotAnObject,
  ExpectKey,
  InKey,
  ExpectColon,
  ExpectValue,
  InValue,
  Done,
}

export class JsonArraySplitter {
  readonly #key: string;
  readonly #events: ArraySplitterEvents;
  /** The first bytes, held until it is clear whether they are a byte order mark; undefined once decided. */
  #head: Uint8Array | undefined = new Uint8Array(0);
  #region = Region.Envelope;
  #topLevel = TopLevel.Start;
  #split = false;
  /** Open containers, innermost last: OPEN_OBJECT or OPEN_ARRAY. */
  readonly #open: number[] = [];
  #inString = false;
  #escaped = false;
  #envelopeParts: Uint8Array[] = [];
  #keyParts: Uint8Array[] = [];
  /** Where the envelope's bytes in the chunk being scanned start. */
  #segmentStart = 0;
  #keyStart = 0;
  #lastKeyIsTarget = false;
  #elementParts: Uint8Array[] = [];
  #elementStart = 0;
  /** Nothing has come yet between the array's opening bracket and here. */
  #arrayJustOpened = false;
  /** An element must follow: right after a comma between elements. */
  #elementDue = false;

  constructor(key: string, events: ArraySplitterEvents) {
    this.#key = key;
    this.#events = events;
  }

  write(chunk: Uint8Array): void {
    if (this.#head !== undefined) {
      const head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
      if (mayBeByteOrderMarkStart(head)) {
        this.#head = Buffer.from(head);
        return;
      }
      this.#head = undefined;
      // A byte order mark before the document is dropped, as reading the body whole would.
      this.#scan(startsWithByteOrderMark(head) ? head.subarray(3) : head);
      return;
    }
    this.#scan(chunk);
  }

  end(): SplitResult {
    if (this.#head !== undefined && this.#head.length > 0) {
      const head = this.#head;
      this.#head = undefined;
      this.#scan(head);
    }
    if (this.#inString || this.#open.length > 0) throw new MalformedJsonError('the document ends inside a string, object or array');
    const envelope = decodeUtf8(Buffer.concat(this.#envelopeParts));
    this.#envelopeParts = [];
    return { envelope, split: this.#split };
  }

  #scan(chunk: Uint8Array): void {
    this.#segmentStart = 0;
    this.#keyStart = 0;
    this.#elementStart = 0;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index] as number;
      if (this.#inString) this.#stringByte(chunk, byte, index);
      else if (this.#region === Region.Between && this.#betweenElements(byte, index)) continue;
      else if (this.#region === Region.Element && this.#open.length === 2 && (byte === COMMA || byte === CLOSE_ARRAY)) {
        this.#elementEnds(chunk, index);
        this.#region = Region.Between;
        index -= 1; // the separator is read again, as one between elements
      } else this.#structure(chunk, byte, index);
    }
    // What is still open goes on with the next chunk. A key's or an element's parts are
    // views, let go when it ends; the envelope's are copies, so the chunks (much larger
    // than its pieces) are not kept alive by it until the end of the body.
    if (this.#topLevel === TopLevel.InKey) this.#keyParts.push(chunk.subarray(this.#keyStart));
    if (this.#region === Region.Element) this.#elementParts.push(chunk.subarray(this.#elementStart));
    if (this.#region === Region.Envelope && this.#segmentStart < chunk.length) this.#envelopeParts.push(chunk.slice(this.#segmentStart));
  }

  #stringByte(chunk: Uint8Array, byte: number, index: number): void {
    if (this.#escaped) this.#escaped = false;
    else if (byte === BACKSLASH) this.#escaped = true;
    else if (byte === QUOTE) {
      this.#inString = false;
      if (this.#topLevel === TopLevel.InKey) this.#keyEnds(chunk, index);
    }
  }

  /** Whitespace, commas and the closing bracket between the array's elements; false when an element begins. */
  #betweenElements(byte: number, index: number): boolean {
    if (isWhitespace(byte)) return true;
    if (byte === COMMA) {
      if (this.#elementDue || this.#arrayJustOpened) throw new MalformedJsonError('an array element is missing before a comma');
      this.#elementDue = true;
      return true;
    }
    if (byte === CLOSE_ARRAY) {
      if (this.#elementDue) throw new MalformedJsonError('an array element is missing before its closing bracket');
      this.#open.pop();
      this.#region = Region.Envelope;
      this.#topLevel = TopLevel.InValue;
      this.#segmentStart = index;
      return true;
    }
    // Anything else begins an element; whether it is a valid one is the parser's call.
    this.#region = Region.Element;
    this.#arrayJustOpened = false;
    this.#elementDue = false;
    this.#elementStart = index;
    this.#elementParts = [];
    return false;
  }

  /** A byte outside strings: nesting, and where the top-level object stands. */
  #structure(chunk: Uint8Array, byte: number, index: number): void {
    const open = this.#open;
    switch (byte) {
      case QUOTE:
        this.#inString = true;
        if (open.length === 1 && this.#topLevel === TopLevel.ExpectKey) {
          this.#topLevel = TopLevel.InKey;
          this.#keyStart = index;
          this.#keyParts = [];
        } else this.#valueBegins();
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (this.#topLevel === TopLevel.Start) {
          this.#topLevel = byte === OPEN_OBJECT ? TopLevel.ExpectKey : TopLevel.NotAnObject;
        } else if (open.length === 1 && this.#topLevel === TopLevel.ExpectValue) {
          this.#topLevel = TopLevel.InValue;
          if (byte === OPEN_ARRAY && this.#lastKeyIsTarget) {
            open.push(byte);
            // The envelope keeps the opening bracket; the elements go elsewhere.
            this.#envelopeParts.push(chunk.slice(this.#segmentStart, index + 1));
            this.#region = Region.Between;
            this.#arrayBegins();
            return;
          }
          // An object under the key: its latest entry is not an array (see #valueBegins).
          if (this.#lastKeyIsTarget) this.#split = false;
        }
        open.push(byte);
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY: {
        const expected = byte === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY;
        if (open.pop() !== expected) throw new MalformedJsonError('a closing bracket does not match an opening one');
        if (open.length === 0 && this.#topLevel !== TopLevel.NotAnObject) this.#topLevel = TopLevel.Done;
        break;
      }
      case COLON:
        if (open.length === 1 && this.#topLevel === TopLevel.ExpectColon) this.#topLevel = TopLevel.ExpectValue;
        break;
      case COMMA:
        if (open.length === 1 && this.#topLevel === TopLevel.InValue) this.#topLevel = TopLevel.ExpectKey;
        break;
      default:
        if (!isWhitespace(byte)) this.#valueBegins();
    }
  }

  /** A value other than the split array starts; at the top level, only its start matters. */
  #valueBegins(): void {
    if (this.#topLevel === TopLevel.Start) this.#topLevel = TopLevel.NotAnObject;
    else if (this.#open.length === 1 && this.#topLevel === TopLevel.ExpectValue) {
      this.#topLevel = TopLevel.InValue;
      // The key's latest entry is not an array, and the latest entry is what a parser keeps.
      if (this.#lastKeyIsTarget) this.#split = false;
    }
  }

  #keyEnds(chunk: Uint8Array, quoteIndex: number): void {
    this.#keyParts.push(chunk.subarray(this.#keyStart, quoteIndex + 1));
    let key: unknown;
    try {
      key = JSON.parse(decodeUtf8(Buffer.concat(this.#keyParts)));
    } catch {
      throw new MalformedJsonError('an object key is not a valid string');
    }
    this.#keyParts = [];
    this.#lastKeyIsTarget = key === this.#key;
    this.#topLevel = TopLevel.ExpectColon;
  }

  #arrayBegins(): void {
    this.#split = true;
    this.#arrayJustOpened = true;
    this.#elementDue = false;
    this.#events.onArrayStart();
  }

  #elementEnds(chunk: Uint8Array, separatorIndex: number): void {
    this.#elementParts.push(chunk.subarray(this.#elementStart, separatorIndex));
    const bytes = Buffer.concat(this.#elementParts);
    this.#elementParts = [];
    this.#events.onElement({ bytes });
  }
}
