import type { RE2JS } from 're2js';

/** Anything that answers "does this text match": a compiled RE2 regex, or one behind a {@link LiteralGate}. */
export interface TextTest {
  test(text: string): boolean;
}

/** Literals shorter than this make a gate that lets nearly everything through: not worth a pass. */
const MIN_LITERAL = 2;
const FLAGS = /^\(\?([a-zA-Z]+)\)/;
const SIMPLE_ESCAPES = new Set(['.', '(', ')', '+', '-', '/', '\\', '*', '?', '[', ']', '{', '}', '|', '^', '$', ' ', '#', '"', "'", ':', '=', '@', '&', '%', ',', ';', '<', '>', '!', '~', '`']);
const META = new Set(['.', '[', ']', '(', ')', '|', '*', '+', '?', '{', '}', '^', '$', '\\']);
const REGEX_SYNTAX = /[.*+?^${}()|[\]\\/]/g;

/**
 * The literals one of which every match of the RE2 `source` must contain (`sk-`, `AKIA`,
 * `socket.socket(`…), with whether they compare case-insensitively; undefined when that cannot
 * be said for sure (then no gate is built and RE2 always runs). Each top-level alternative must
 * start (after `\b` or `^`) with a literal run or a group whose every alternative does.
 */
export function requiredLiterals(source: string): { readonly literals: string[]; readonly caseInsensitive: boolean } | undefined {
  let body = source;
  let caseInsensitive = false;
  const flags = FLAGS.exec(body);
  if (flags) {
    if (!/^[imsU]+$/.test(flags[1] ?? '')) return undefined;
    caseInsensitive = (flags[1] ?? '').includes('i');
    body = body.slice(flags[0].length);
  }
  // Any other flag group, named group or look-around changes what a literal means: give up.
  if (/\(\?(?!:)/.test(body)) return undefined;
  const literals = alternativesLiterals(body);
  return literals && literals.length > 0 ? { literals, caseInsensitive } : undefined;
}

/** Literals of `body` split at its top-level `|`; undefined if any alternative has none. */
function alternativesLiterals(body: string): string[] | undefined {
  const branches = splitTopLevel(body);
  if (!branches) return undefined;
  const out: string[] = [];
  for (const branch of branches) {
    const found = leadingLiterals(branch);
    if (!found) return undefined;
    out.push(...found);
  }
  return out;
}

function leadingLiterals(branch: string): string[] | undefined {
  let rest = branch;
  while (rest.startsWith('\\b') || rest.startsWith('^')) rest = rest.slice(rest.startsWith('^') ? 1 : 2);
  if (rest.startsWith('(')) {
    const end = closingParen(rest);
    if (end < 0) return undefined;
    const quantified = /^[*?{]/.test(rest.slice(end + 1));
    if (quantified) return undefined;
    const inner = rest.slice(rest.startsWith('(?:') ? 3 : 1, end);
    return alternativesLiterals(inner);
  }
  const run = literalRun(rest);
  return run.length >= MIN_LITERAL ? [run] : undefined;
}

/** The literal characters `text` starts with (escapes decoded); a char a quantifier may drop is not counted. */
function literalRun(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    let literal: string;
    let width = 1;
    if (ch === '\\') {
      const next = text[i + 1] ?? '';
      if (!SIMPLE_ESCAPES.has(next)) break;
      literal = next;
      width = 2;
    } else if (META.has(ch)) {
      break;
    } else {
      literal = ch;
    }
    const after = text[i + width] ?? '';
    if (after === '*' || after === '?' || after === '{') break;
    out += literal;
    if (after === '+') break;
    i += width - 1;
  }
  return out;
}

/** `body` split at `|` outside groups and classes; undefined when unbalanced. */
function splitTopLevel(body: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      const end = classEnd(body, i);
      if (end < 0) return undefined;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) return undefined;
    } else if (ch === '|' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  out.push(body.slice(start));
  return out;
}

function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      const end = classEnd(text, i);
      if (end < 0) return -1;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `]` closing the class opened at `open` (`[]a]` and `[^]a]` hold a literal `]`). */
function classEnd(text: string, open: number): number {
  let i = open + 1;
  if (text[i] === '^') i++;
  if (text[i] === ']') i++;
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ']') return i;
  }
  return -1;
}

/**
 * An RE2 regex (or an alternation of several) behind a native pre-check: a text holding none of
 * the literals every match needs cannot match, and a native search for a few plain words is far
 * cheaper than running RE2 in JavaScript over a whole command line. Same answers as the regex
 * alone; without a provable literal set the regex always runs.
 */
export class LiteralGate implements TextTest {
  private constructor(
    private readonly regex: TextTest,
    private readonly gates: readonly RegExp[],
  ) {}

  /** Gates `regex`, which matches what any of `sources` matches; `regex` itself when no gate can be proven. */
  static over(regex: RE2JS, sources: readonly string[]): TextTest {
    const sensitive: string[] = [];
    const insensitive: string[] = [];
    for (const source of sources) {
      const required = requiredLiterals(source);
      if (!required) return regex;
      (required.caseInsensitive ? insensitive : sensitive).push(...required.literals);
    }
    const gates: RegExp[] = [];
    if (sensitive.length > 0) gates.push(new RegExp(alternation(sensitive), 'u'));
    if (insensitive.length > 0) gates.push(new RegExp(alternation(insensitive), 'iu'));
    return gates.length > 0 ? new LiteralGate(regex, gates) : regex;
  }

  test(text: string): boolean {
    return this.passes(text) && this.regex.test(text);
  }

  /** True when `text` holds one of the literals (so the regex may match). */
  passes(text: string): boolean {
    for (const gate of this.gates) if (gate.test(text)) return true;
    return false;
  }
}

function alternation(literals: readonly string[]): string {
  return [...new Set(literals)].map((literal) => literal.replace(REGEX_SYNTAX, (ch) => `\\${ch}`)).join('|');
}
