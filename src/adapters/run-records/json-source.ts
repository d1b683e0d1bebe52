// The original file as written, not as JavaScript sees it: object keys in file order
// (JSON.parse moves integer-like keys first) and every primitive with its exact literal
// (1.50, 1e3, "\u00e9", integers past 2^53). A rewrite uses both so a runner's own fields
// come back byte-for-byte where they were. Input has already passed JSON.parse.

export type SourceNode =
  | { kind: 'object'; entries: Map<string, { keyLiteral: string; node: SourceNode }> }
  | { kind: 'array'; items: SourceNode[] }
  | { kind: 'literal'; literal: string; value: string | number | boolean | null };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

class SourceParser {
  private index = 0;
  constructor(private readonly text: string) {}

  parseDocument(): SourceNode {
    const node = this.value();
    this.skipWhitespace();
    if (this.index !== this.text.length) this.fail('content after the value');
    return node;
  }

  private fail(what: string): never {
    throw new SyntaxError(`unexpected ${what} at position ${this.index}`);
  }

  private skipWhitespace(): void {
    while (this.index < this.text.length && WHITESPACE.has(this.text[this.index] as string)) this.index += 1;
  }

  private expect(char: string): void {
    this.skipWhitespace();
    if (this.text[this.index] !== char) this.fail(`character, expected ${char}`);
    this.index += 1;
  }

  private peek(): string | undefined {
    this.skipWhitespace();
    return this.text[this.index];
  }

  private stringLiteral(): string {
    const start = this.index;
    this.index += 1;
    while (this.index < this.text.length && this.text[this.index] !== '"') this.index += this.text[this.index] === '\\' ? 2 : 1;
    if (this.index >= this.text.length) this.fail('end of text in a string');
    this.index += 1;
    return this.text.slice(start, this.index);
  }

  private value(): SourceNode {
    const char = this.peek();
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') {
      const literal = this.stringLiteral();
      return { kind: 'literal', literal, value: JSON.parse(literal) as string };
    }
    SCALAR.lastIndex = this.index;
    const match = SCALAR.exec(this.text);
    if (!match) this.fail('character');
    this.index += match[0].length;
    return { kind: 'literal', literal: match[0], value: JSON.parse(match[0]) as number | boolean | null };
  }

  private object(): SourceNode {
    this.expect('{');
    const entries = new Map<string, { keyLiteral: string; node: SourceNode }>();
    if (this.peek() === '}') {
      this.index += 1;
      return { kind: 'object', entries };
    }
    for (;;) {
      if (this.peek() !== '"') this.fail('character, expected a key');
      const keyLiteral = this.stringLiteral();
      this.expect(':');
      // A repeated key keeps its first position and takes the last value, as JSON.parse does.
      entries.set(JSON.parse(keyLiteral) as string, { keyLiteral, node: this.value() });
      if (this.peek() === '}') break;
      this.expect(',');
    }
    this.index += 1;
    return { kind: 'object', entries };
  }

  private array(): SourceNode {
    this.expect('[');
    const items: SourceNode[] = [];
    if (this.peek() === ']') {
      this.index += 1;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      if (this.peek() === ']') break;
      this.expect(',');
    }
    this.index += 1;
    return { kind: 'array', items };
  }
}

/** The source tree of a JSON text (without a byte order mark). */
export function parseSource(text: string): SourceNode {
  return new SourceParser(text).parseDocument();
}

/** The literal at a JSON pointer ("/steps/0/tokens_in") as the file wrote it, or undefined. */
export function literalAt(root: SourceNode, pointer: string): string | undefined {
  let node: SourceNode | undefined = root;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node?.kind === 'object') node = node.entries.get(token)?.node;
    else if (node?.kind === 'array' && /^(0|[1-9]\d*)$/.test(token)) node = node.items[Number(token)];
    else return undefined;
  }
  return node?.kind === 'literal' ? node.literal : undefined;
}
