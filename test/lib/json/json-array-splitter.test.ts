import { describe, expect, it } from 'vitest';
import { JsonArraySplitter, MalformedJsonError, type SplitResult } from '../../../src/lib/json/json-array-splitter.js';

interface Split extends SplitResult {
  elements: Array<{ text: string }>;
}

/** Feeds `text` cut at the given byte offsets. */
function split(text: string | Buffer, cuts: readonly number[] = [], key = 'data'): Split {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let elements: Split['elements'] = [];
  const splitter = new JsonArraySplitter(key, {
    onArrayStart() {
      elements = [];
    },
    onElement({ bytes: element }) {
      elements.push({ text: element.toString('utf8') });
    },
  });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  return { ...splitter.end(), elements };
}

/** The split put back together and parsed: must equal parsing the document whole. */
function reassembled(result: Split, key = 'data'): unknown {
  const envelope = JSON.parse(result.envelope) as Record<string, unknown>;
  if (result.split) envelope[key] = result.elements.map((element) => JSON.parse(element.text) as unknown);
  return envelope;
}

const PAGE =
  '{"object":"page","data":[{"object":"bucket","start_time":1,"results":[{"a":"x,]}\\"[{","n":[1,2,{"d":[]}]}]},' +
  ' {"object":"bucket","start_time":2,"results":[]} ,{"v":0.5,"e":1e3,"big":12345678901234567,"t":true,"f":false,"z":null}],' +
  '"has_more":false,"next_page":"c\\u00e9 \\\\"}';

describe('JsonArraySplitter', () => {
  it('splits the array under the key into its elements and leaves it empty in the envelope', () => {
    const result = split(PAGE);
    expect(result.split).toBe(true);
    expect(result.elements.map((element) => element.text.trim())).toEqual([
      '{"object":"bucket","start_time":1,"results":[{"a":"x,]}\\"[{","n":[1,2,{"d":[]}]}]}',
      '{"object":"bucket","start_time":2,"results":[]}',
      '{"v":0.5,"e":1e3,"big":12345678901234567,"t":true,"f":false,"z":null}',
    ]);
    expect(JSON.parse(result.envelope)).toEqual({ object: 'page', data: [], has_more: false, next_page: 'c\u00e9 \\' });
    expect(reassembled(result)).toEqual(JSON.parse(PAGE));
  });

  it('gives the same pieces wherever the chunks are cut, one byte at a time included', () => {
    const whole = split(PAGE);
    const bytes = Buffer.from(PAGE);
    for (let cut = 0; cut <= bytes.length; cut += 1) expect(split(bytes, [cut])).toEqual(whole);
    expect(split(bytes, Array.from({ length: bytes.length }, (_, index) => index))).toEqual(whole);
  });

  it('finds the end of strings of every length, with escapes and brackets anywhere in them', () => {
    // Short strings are scanned byte by byte and long ones searched natively: lengths on
    // both sides of the switch, escapes right before and after it, cut at every byte.
    const strings: string[] = [];
    for (let length = 0; length <= 70; length += 1) {
      strings.push('a'.repeat(length));
      if (length >= 2) {
        strings.push(`${'b'.repeat(length - 2)}\\"`.replace(/\\"$/, '\\\\'));
        strings.push(`${'c'.repeat(length - 2)}\\"`);
        strings.push(`${'d'.repeat(Math.floor(length / 2))}],{"${'e'.repeat(Math.ceil(length / 2))}`.replace(/"/g, '\\"'));
      }
    }
    const text = `{"data":[${strings.map((value, index) => `{"k${index}":"${value}","n":${index}}`).join(',')}],"tail":"${strings[40]}"}`;
    const whole = split(text);
    expect(whole.elements).toHaveLength(strings.length);
    expect(reassembled(whole)).toEqual(JSON.parse(text));
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut += 7) expect(split(bytes, [cut, cut + 33])).toEqual(whole);
  });

  it('keeps multi-byte characters whole across chunk boundaries', () => {
    const text = '{"data":[{"name":"日本語 ✓ 🚀"},{"x":"é"}]}';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(reassembled(split(bytes, [cut]))).toEqual(JSON.parse(text));
    }
  });

  it('finds the key when it is escaped, and only at the top level', () => {
    const escaped = split('{"d\\u0061ta":[1,2]}');
    expect(escaped.elements.map((element) => element.text)).toEqual(['1', '2']);
    const nested = split('{"outer":{"data":[1,2]},"data":[3]}');
    expect(nested.elements.map((element) => element.text)).toEqual(['3']);
    expect(JSON.parse(nested.envelope)).toEqual({ outer: { data: [1, 2] }, data: [] });
    const inValue = split('{"note":"data","x":["data",[1]]}');
    expect(inValue.split).toBe(false);
  });

  it('follows the last entry of a repeated key, as a parser would', () => {
    const twice = split('{"data":[1,2],"data":[3]}');
    expect(twice.split).toBe(true);
    expect(twice.elements.map((element) => element.text)).toEqual(['3']);
    const replacedByScalar = split('{"data":[1,2],"data":5}');
    expect(replacedByScalar.split).toBe(false);
    expect(JSON.parse(replacedByScalar.envelope)).toEqual({ data: 5 });
    for (const text of ['{"data":[1,2],"data":{"a":[3]}}', '{"data":[1],"data":"x"}', '{"data":[1],"data":null}']) {
      const replaced = split(text);
      expect(replaced.split, text).toBe(false);
      expect(reassembled(replaced), text).toEqual(JSON.parse(text));
    }
  });

  it('leaves a document without the array whole in the envelope', () => {
    for (const text of ['[1,2,3]', '"data"', '42', '{"object":"page"}', '{"data":{"a":[1]}}', 'null']) {
      const result = split(text);
      expect(result.split).toBe(false);
      expect(JSON.parse(result.envelope)).toEqual(JSON.parse(text));
    }
  });

  it('handles an empty array and whitespace around everything', () => {
    const result = split(' \n{ "data" : [ ] , "has_more" : true }\r\n');
    expect(result.split).toBe(true);
    expect(result.elements).toEqual([]);
    expect(JSON.parse(result.envelope)).toEqual({ data: [], has_more: true });
    const spaced = split('{"data":[ 1 ,\n\t2 ]}');
    expect(spaced.elements.map((element) => element.text.trim())).toEqual(['1', '2']);
  });

  it('drops a leading byte order mark, even when split across chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":[1]}')]);
    for (const cuts of [[], [1], [2], [1, 2], [3]]) {
      const result = split(bytes, cuts);
      expect(result.split).toBe(true);
      expect(result.elements.map((element) => element.text)).toEqual(['1']);
    }
  });

  it('throws on structure that cannot be JSON', () => {
    for (const text of ['{"data":[1,,2]}', '{"data":[,1]}', '{"data":[1,]}', '{"data":[1}', '{"a":[}', '{"data":[1]', '{"data":"abc', '}']) {
      expect(() => split(text), text).toThrow(MalformedJsonError);
    }
  });

  it('leaves other malformations to the parser of the pieces', () => {
    for (const text of ['{"data":[01]}', '{"data":[{"a" 1}]}', '{"data":[1 2]}', '{"data":[1]} x', '{"data":[1],}', '{data:[1]}']) {
      let failed = false;
      try {
        reassembled(split(text));
      } catch (error) {
        failed = error instanceof SyntaxError;
      }
      expect(failed, text).toBe(true);
    }
  });
});
