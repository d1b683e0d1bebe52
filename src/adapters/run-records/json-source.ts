// The original file as written, not as JavaScript sees it: object keys in file order
// (JSON.parse moves integer-like keys first) and every primitive's exact literal (1.50, 1e3,
// "\u00e9", integers past 2^53), so a rewrite gives a runner's own fields back byte-for-byte.
// jsonc-parser does the parsing; its tree has every node's offset, keys included, in file order.

import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export type SourceNode =
  | { kind: 'object'; entries: Map<string, { keyLiteral: string; node: SourceNode }> }
  | { kind: 'array'; items: SourceNode[] }
  | { kind: 'literal'; literal: string; value: string | number | boolean | null };

/** Strict JSON: a comment, a trailing comma or an empty text is an error, as in JSON.parse. */
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

function sourceText(text: string, node: Node): string {
  return text.slice(node.offset, node.offset + node.length);
}

function toSource(text: string, node: Node): SourceNode {
  if (node.type === 'array') return { kind: 'array', items: (node.children ?? []).map((item) => toSource(text, item)) };
  if (node.type !== 'object') {
    return { kind: 'literal', literal: sourceText(text, node), value: node.value as string | number | boolean | null };
  }
  const entries = new Map<string, { keyLiteral: string; node: SourceNode }>();
  for (const property of node.children ?? []) {
    const [key, value] = property.children as [Node, Node];
    // A repeated key keeps its first position and takes the last value, as JSON.parse does.
    entries.set(key.value as string, { keyLiteral: sourceText(text, key), node: toSource(text, value) });
  }
  return { kind: 'object', entries };
}

/** The source tree of a JSON text (without a byte order mark). */
export function parseSource(text: string): SourceNode {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, STRICT);
  const [error] = errors;
  if (error) throw new SyntaxError(`${printParseErrorCode(error.error)} at position ${error.offset}`);
  if (!root) throw new SyntaxError('unexpected end of text at position 0');
  return toSource(text, root);
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
