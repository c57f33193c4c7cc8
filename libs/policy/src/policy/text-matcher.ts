import type { RE2JS } from 're2js';

const GLOB_CHARS = /[*?[{\\]/;

/**
 * Matches a value against a list of globs: literal entries through a Set (most rule lists are
 * plain program names, and a Set lookup is far cheaper than running RE2), the rest through one
 * compiled alternation. With `flagNames`, a literal `--force` also matches `--force=value`.
 */
export class TextMatcher {
  constructor(
    private readonly literals: ReadonlySet<string>,
    private readonly regex: RE2JS | undefined,
    private readonly flagNames = false,
  ) {}

  /** Splits globs into literal entries and the ones that need a regex. */
  static partition(globs: readonly string[]): { readonly literals: string[]; readonly patterns: string[] } {
    const literals = globs.filter((glob) => !GLOB_CHARS.test(glob));
    return { literals, patterns: globs.filter((glob) => GLOB_CHARS.test(glob)) };
  }

  test(value: string): boolean {
    if (this.literals.has(value)) return true;
    if (this.flagNames) {
      const eq = value.indexOf('=');
      if (eq > 0 && this.literals.has(value.slice(0, eq))) return true;
    }
    return this.regex?.test(value) ?? false;
  }

  /** True when any of `values` matches. */
  any(values: readonly string[]): boolean {
    for (const value of values) if (this.test(value)) return true;
    return false;
  }
}
