import { LighthouseError } from '@lighthouse/contracts';

/** One character-producing piece of a segment, or a star. */
export type Token =
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'any' }
  | { readonly t: 'star' }
  | { readonly t: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

/** One path segment of a pattern: `**` (any number of segments), or a segment pattern. */
export type Segment = { readonly globstar: true } | { readonly globstar: false; readonly tokens: readonly Token[]; readonly literal: string | null };

/** One brace alternative of a pattern, as segments. */
export interface Alternative {
  readonly segments: readonly Segment[];
  /** The leading segments without magic (where the index files it). */
  readonly prefix: readonly string[];
  /** The whole alternative, when it has no magic at all (a file or a directory). */
  readonly literal: string | null;
  /** The alternative as picomatch reads it (literals escaped). */
  readonly source: string;
}

/** A checked, normalised pattern: what a reservation holds and the index files. */
export interface ParsedPattern {
  /** Normalised text (`./` and repeated slashes dropped, a trailing slash read as `/**`). */
  readonly text: string;
  readonly alternatives: readonly Alternative[];
}

/** Bounds of one pattern (beyond the contract's character limit). */
export const PATTERN_LIMITS = { chars: 512, segments: 32, segmentChars: 255, alternatives: 32, braceDepth: 2, globstars: 4, starsPerSegment: 8 } as const;

const invalid = (pattern: string, why: string) => new LighthouseError('VALIDATION_FAILED', `invalid path ${JSON.stringify(pattern.slice(0, 80))}: ${why}`);
const CONTROL = /[\u0000-\u001f\u007f]/;
const PICO_SPECIAL = /[\\*?[\](){}!+@|]/g;

/**
 * Checks and normalises a reserved path or glob, relative to the workspace root. Accepted: plain
 * paths (`dir/` stands for `dir/**`: the directory and everything in it), `*`, `?`, `**` as a whole segment, classes
 * `[a-z]`/`[!x]`, and `{a,b}` braces (bounded). Refused with VALIDATION_FAILED: absolute or `~`
 * paths, `.`/`..` segments, NUL and control characters, backslashes, extended globs, negation,
 * unbalanced braces or brackets, and anything past the bounds of {@link PATTERN_LIMITS}.
 */
export function parsePattern(raw: string): ParsedPattern {
  if (typeof raw !== 'string' || raw.length === 0) throw invalid(String(raw), 'empty');
  if (raw.length > PATTERN_LIMITS.chars) throw invalid(raw, `longer than ${PATTERN_LIMITS.chars} characters`);
  if (CONTROL.test(raw)) throw invalid(raw, 'control characters or NUL');
  if (raw.includes('\\')) throw invalid(raw, 'backslashes are not allowed (use / between segments)');
  if (raw.startsWith('/')) throw invalid(raw, 'absolute paths are not reservable: give the path relative to the workspace root');
  if (raw.startsWith('~')) throw invalid(raw, 'home paths are outside the workspace');
  if (raw.startsWith('!')) throw invalid(raw, 'negated patterns are not supported');
  if (/[@!+*?]\(/.test(raw)) throw invalid(raw, 'extended globs are not supported');
  const text = normaliseSlashes(raw);
  if (text === '') throw invalid(raw, 'names no path');
  const expanded = expandBraces(text, raw);
  const alternatives = expanded.map((alt) => parseAlternative(alt, raw));
  return { text, alternatives };
}

/** `./a//b/` → `a/b/**`: a trailing slash names a directory and everything in it. */
function normaliseSlashes(raw: string): string {
  const text = tidy(raw);
  return raw.endsWith('/') && text !== '' && !text.endsWith('**') ? `${text}/**` : text;
}

function tidy(raw: string): string {
  let text = raw.replace(/\/{2,}/g, '/');
  while (text.startsWith('./')) text = text.slice(2);
  while (text.length > 1 && text.endsWith('/')) text = text.slice(0, -1);
  return text === '.' ? '' : text;
}

/** Expands `{a,b}` groups (nested up to the bound), refusing stray or empty braces. */
function expandBraces(text: string, raw: string, depth = 0): string[] {
  const open = text.indexOf('{');
  if (open < 0) {
    if (text.includes('}')) throw invalid(raw, 'unbalanced braces');
    return [text];
  }
  if (depth >= PATTERN_LIMITS.braceDepth) throw invalid(raw, `braces nested deeper than ${PATTERN_LIMITS.braceDepth}`);
  if (text.slice(0, open).includes('}')) throw invalid(raw, 'unbalanced braces');
  let level = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') level++;
    else if (ch === '}' && --level === 0) {
      close = i;
      break;
    } else if (ch === ',' && level === 1) commas.push(i);
  }
  if (close < 0) throw invalid(raw, 'unbalanced braces');
  if (commas.length === 0) throw invalid(raw, 'a brace group needs at least two alternatives, e.g. {a,b}');
  const bounds = [open, ...commas, close];
  const head = text.slice(0, open);
  const tail = text.slice(close + 1);
  const out: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const choice = text.slice((bounds[i] as number) + 1, bounds[i + 1]);
    for (const inner of expandBraces(choice, raw, depth + 1)) {
      for (const rest of expandBraces(tail, raw, depth)) {
        out.push(head + inner + rest);
        if (out.length > PATTERN_LIMITS.alternatives) throw invalid(raw, `braces expand to more than ${PATTERN_LIMITS.alternatives} alternatives`);
      }
    }
  }
  return [...new Set(out.map(tidy))];
}

function parseAlternative(text: string, raw: string): Alternative {
  if (text === '') throw invalid(raw, 'a brace alternative names no path');
  if (text.startsWith('/')) throw invalid(raw, 'absolute paths are not reservable');
  const parts = text.split('/');
  if (parts.length > PATTERN_LIMITS.segments) throw invalid(raw, `more than ${PATTERN_LIMITS.segments} segments`);
  const segments = parts.map((part) => parseSegment(part, raw));
  if (segments.filter((s) => s.globstar).length > PATTERN_LIMITS.globstars) throw invalid(raw, `more than ${PATTERN_LIMITS.globstars} ** segments`);
  const prefix: string[] = [];
  for (const segment of segments) {
    if (segment.globstar || segment.literal === null) break;
    prefix.push(segment.literal);
  }
  const literal = prefix.length === segments.length ? prefix.join('/') : null;
  return { segments, prefix, literal, source: segments.map(sourceOf).join('/') };
}

function parseSegment(part: string, raw: string): Segment {
  if (part === '.' || part === '..') throw invalid(raw, `'${part}' segments are not allowed`);
  if (part.length > PATTERN_LIMITS.segmentChars) throw invalid(raw, `a segment is longer than ${PATTERN_LIMITS.segmentChars} characters`);
  if (part === '**') return { globstar: true };
  const tokens: Token[] = [];
  for (let i = 0; i < part.length; i++) {
    const ch = part[i] as string;
    if (ch === '*') {
      if (tokens.at(-1)?.t !== 'star') tokens.push({ t: 'star' });
    } else if (ch === '?') tokens.push({ t: 'any' });
    else if (ch === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) throw invalid(raw, 'unclosed [ class');
      tokens.push(parseClass(part.slice(i + 1, end), raw));
      i = end;
    } else if (ch === ']') throw invalid(raw, 'stray ]');
    else tokens.push({ t: 'lit', c: ch });
  }
  if (tokens.filter((t) => t.t === 'star').length > PATTERN_LIMITS.starsPerSegment) throw invalid(raw, `more than ${PATTERN_LIMITS.starsPerSegment} stars in a segment`);
  const literal = tokens.every((t) => t.t === 'lit') ? part : null;
  return { globstar: false, tokens, literal };
}

function parseClass(body: string, raw: string): Token {
  const negated = body.startsWith('!') || body.startsWith('^');
  const chars = [...(negated ? body.slice(1) : body)];
  if (chars.length === 0) throw invalid(raw, 'empty [] class');
  if (body.includes('[')) throw invalid(raw, 'POSIX or nested classes are not supported');
  const ranges: [number, number][] = [];
  for (let i = 0; i < chars.length; i++) {
    const lo = (chars[i] as string).codePointAt(0) as number;
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const hi = (chars[i + 2] as string).codePointAt(0) as number;
      if (hi < lo) throw invalid(raw, 'a class range runs backwards');
      ranges.push([lo, hi]);
      i += 2;
    } else ranges.push([lo, lo]);
  }
  return { t: 'class', negated, ranges };
}

function sourceOf(segment: Segment): string {
  if (segment.globstar) return '**';
  return segment.tokens
    .map((t) => {
      switch (t.t) {
        case 'lit':
          return t.c.replace(PICO_SPECIAL, (c) => `\\${c}`);
        case 'any':
          return '?';
        case 'star':
          return '*';
        case 'class':
          return `[${t.negated ? '^' : ''}${t.ranges.map(([lo, hi]) => (lo === hi ? escClass(lo) : `${escClass(lo)}-${escClass(hi)}`)).join('')}]`;
      }
    })
    .join('');
}

const escClass = (code: number) => {
  const c = String.fromCodePoint(code);
  return /[\]\\^-]/.test(c) ? `\\${c}` : c;
};

/** Whether a class token admits the character. */
export function classHas(token: Extract<Token, { t: 'class' }>, ch: string): boolean {
  const code = ch.codePointAt(0) as number;
  const inside = token.ranges.some(([lo, hi]) => code >= lo && code <= hi);
  return token.negated ? !inside : inside;
}
