import type { RE2JS } from 're2js';
import { memoTest } from './regex-memo';

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

  constructor(
    readonly regex: RE2JS,
    literals: readonly (string | undefined)[],
  ) {
    const known = literals.filter((literal): literal is string => literal !== undefined && literal.length > 0);
    this.prefilter = known.length === literals.length && known.length > 0 ? new RegExp([...new Set(known)].map((l) => l.replace(REGEX_META, (ch) => `\\${ch}`)).join('|')) : undefined;
  }

  test(text: string): boolean {
    if (this.prefilter && !this.prefilter.test(text)) return false;
    return memoTest(this.regex, text);
  }
}
