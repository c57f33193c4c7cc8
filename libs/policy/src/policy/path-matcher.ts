import type { RE2JS } from 're2js';
import { PATH_TOKENS } from './glob';
import { memoTest } from './regex-memo';

const TOKEN_MARK = PATH_TOKENS.workspace.charAt(0);

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;

/**
 * A path condition's globs, compiled to one RE2 alternation, behind a prefilter: each glob has
 * a literal piece every path it matches contains (see `requiredLiteral`), so a path holding
 * none of them cannot match and RE2 is not run. The prefilter is a native alternation of
 * plain literals (no quantifier: linear in the text), and most paths of everyday commands
 * fail it. Without a literal for every glob, every path goes to RE2.
 */
export class PathMatcher {
  private readonly prefilter: RegExp | undefined;
  /** The prefilter, when it may be run on a resolved path for all its spellings at once. */
  private readonly resolvedPrefilter: RegExp | undefined;

  constructor(
    readonly regex: RE2JS,
    literals: readonly (string | undefined)[],
  ) {
    const known = literals.filter((literal): literal is string => literal !== undefined && literal.length > 0);
    this.prefilter = known.length === literals.length && known.length > 0 ? new RegExp([...new Set(known)].map((l) => l.replace(REGEX_META, (ch) => `\\${ch}`)).join('|')) : undefined;
    const tokenLetters = new Set(Object.values(PATH_TOKENS).map((token) => token.slice(1)));
    const overlapsToken = known.some((literal) => literal.includes(TOKEN_MARK) || tokenLetters.has(literal[0] ?? ''));
    this.resolvedPrefilter = overlapsToken ? undefined : this.prefilter;
  }

  test(text: string): boolean {
    if (this.prefilter && !this.prefilter.test(text)) return false;
    return memoTest(this.regex, text);
  }

  /**
   * True when no spelling of the resolved path `resolved` can match, known from `resolved`
   * alone. Every spelling is `resolved`, or a placeholder token followed by a tail of `resolved`;
   * a required literal found in such a spelling lies in the tail (so in `resolved`) unless it
   * overlaps the token, which only a token itself or a literal starting with the token's letter
   * can. Without such literals, a `resolved` holding none of them rules out every spelling.
   */
  rejectsResolved(resolved: string): boolean {
    return this.resolvedPrefilter !== undefined && !this.resolvedPrefilter.test(resolved);
  }
}
