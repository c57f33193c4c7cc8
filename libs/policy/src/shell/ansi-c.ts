// Decoding of backslash escapes the way bash does for $'…' (ANSI-C quoting), `echo -e` and
// `printf %b`: evasions spell command names as $'\x72\x6d' or \162\155.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

interface Escape {
  readonly text: string;
  readonly length: number;
}

/** Decodes escapes in `input`. `octalNeedsZero` is echo's rule: octal is written \0NNN. */
export function decodeEscapes(input: string, octalNeedsZero = false): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '\\' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const escape = readEscape(input, i + 1, octalNeedsZero);
    out += escape.text;
    i += escape.length;
  }
  return out;
}

function readEscape(input: string, at: number, octalNeedsZero: boolean): Escape {
  const ch = input[at] ?? '';
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return { text: simple, length: 1 };
  if (ch === 'x') return readCode(input, at + 1, /^[0-9a-fA-F]{1,2}/, 16, 1);
  if (ch === 'u') return readCode(input, at + 1, /^[0-9a-fA-F]{1,4}/, 16, 1);
  if (ch === 'U') return readCode(input, at + 1, /^[0-9a-fA-F]{1,8}/, 16, 1);
  if (ch === 'c' && at + 1 < input.length) {
    return { text: String.fromCharCode((input.charCodeAt(at + 1) & 0x1f) >>> 0), length: 2 };
  }
  if (octalNeedsZero && ch === '0') return readCode(input, at + 1, /^[0-7]{1,3}/, 8, 1, true);
  if (!octalNeedsZero && /[0-7]/.test(ch)) return readCode(input, at, /^[0-7]{1,3}/, 8, 0);
  return { text: `\\${ch}`, length: 1 };
}

function readCode(input: string, from: number, digits: RegExp, radix: number, prefix: number, emptyIsNul = false): Escape {
  const match = digits.exec(input.slice(from, from + 8));
  if (!match) return emptyIsNul ? { text: '\0', length: prefix } : { text: `\\${input[from - 1] ?? ''}`, length: prefix };
  const code = Number.parseInt(match[0], radix);
  const text = code <= 0x10ffff ? String.fromCodePoint(code) : '';
  return { text, length: prefix + match[0].length };
}
