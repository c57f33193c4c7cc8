import picomatch from 'picomatch';
import { classHas, type Alternative, type ParsedPattern, type Segment, type Token } from './glob-pattern';

/**
 * Whether two patterns can match a common path (a pattern matches as picomatch reads it, with
 * dotfiles: `dir/**` is the directory and everything in it). Exact for `*`, `?`, `**` and literals;
 * two character classes are compared by their ranges (a negated class is assumed to meet anything:
 * a false "overlap" only makes a reservation wait, a missed one would let two agents hold the
 * same file).
 */
export function patternsOverlap(a: ParsedPattern, b: ParsedPattern): boolean {
  return a.alternatives.some((x) => b.alternatives.some((y) => alternativesOverlap(x, y)));
}

const GLOBSTAR: Segment = { globstar: true };

export function alternativesOverlap(a: Alternative, b: Alternative): boolean {
  if (a.literal !== null && b.literal !== null) return a.literal === b.literal;
  return segmentsOverlap(a.segments, b.segments);
}

/** The alternative and everything below it (`alt/**`): what deleting or moving a directory touches. */
export function andBelow(alt: Alternative): Alternative {
  return { segments: [...alt.segments, GLOBSTAR], prefix: alt.prefix, literal: null, source: `${alt.source}/**` };
}

function segmentsOverlap(a: readonly Segment[], b: readonly Segment[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else {
      const x = a[i];
      const y = b[j];
      result =
        (x?.globstar === true && (go(i + 1, j) || (j < b.length && go(i, j + 1)))) ||
        (y?.globstar === true && (go(i, j + 1) || (i < a.length && go(i + 1, j)))) ||
        (x !== undefined && y !== undefined && !x.globstar && !y.globstar && tokensOverlap(x.tokens, y.tokens) && go(i + 1, j + 1));
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Whether two segment patterns can match one common (non-empty) segment name. */
function tokensOverlap(a: readonly Token[], b: readonly Token[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    const x = a[i];
    const y = b[j];
    let result = false;
    if (x === undefined && y === undefined) result = true;
    else if (x?.t === 'star' && go(i + 1, j)) result = true;
    else if (y?.t === 'star' && go(i, j + 1)) result = true;
    else if (x?.t === 'star' && y !== undefined && y.t !== 'star') result = go(i, j + 1);
    else if (y?.t === 'star' && x !== undefined && x.t !== 'star') result = go(i + 1, j);
    if (!result && x !== undefined && y !== undefined && x.t !== 'star' && y.t !== 'star') result = charsMeet(x, y) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  // An empty segment name does not exist: two lone stars still meet on any one-character name.
  return go(0, 0);
}

type CharToken = Exclude<Token, { t: 'star' }>;

function charsMeet(x: CharToken, y: CharToken): boolean {
  if (x.t === 'any' || y.t === 'any') return true;
  if (x.t === 'lit' && y.t === 'lit') return x.c === y.c;
  if (x.t === 'lit' && y.t === 'class') return classHas(y, x.c);
  if (x.t === 'class' && y.t === 'lit') return classHas(x, y.c);
  const [p, q] = [x as Extract<Token, { t: 'class' }>, y as Extract<Token, { t: 'class' }>];
  if (p.negated || q.negated) return true;
  return p.ranges.some(([lo, hi]) => q.ranges.some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi));
}

/** A path test for one pattern (picomatch for the globs). */
export type PathTest = (path: string) => boolean;

const PICO_OPTIONS = { dot: true, nonegate: true, noextglob: true, nobrace: true } as const;

/** Compiles one alternative to a path test; literals compare strings, globs use one picomatch regex. */
export function compileAlternative(alt: Alternative): PathTest {
  const literal = alt.literal;
  if (literal !== null) return (path) => path === literal;
  const regex = picomatch.makeRe(alt.source, PICO_OPTIONS);
  return (path) => regex.test(path);
}

/** Whether a (normalised, relative) path is matched by a pattern. */
export function patternCovers(pattern: ParsedPattern, path: string): boolean {
  return pattern.alternatives.some((alt) => compileAlternative(alt)(path));
}
