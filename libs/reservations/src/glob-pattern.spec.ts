import { parsePattern, PATTERN_LIMITS } from './glob-pattern';

const refusal = (raw: string) => {
  try {
    parsePattern(raw);
  } catch (error) {
    return (error as { code: string; message: string }).code + ': ' + (error as Error).message;
  }
  return 'accepted';
};

describe('reservation patterns', () => {
  it.each([
    ['../etc/passwd', "'..' segments"],
    ['src/../../etc', "'..' segments"],
    ['src/./a', "'.' segments"],
    ['/etc/passwd', 'absolute paths are not reservable'],
    ['~/.ssh/id_rsa', 'home paths'],
    ['src/a\u0000b', 'control characters'],
    ['src\\auth', 'backslashes'],
    ['src/@(a|b)', 'extended globs'],
    ['!src/auth', 'negated'],
    ['src/{a', 'unbalanced braces'],
    ['src/a}', 'unbalanced braces'],
    ['src/{a}', 'at least two alternatives'],
    ['src/[a', 'unclosed ['],
    ['src/[z-a]', 'backwards'],
    ['x'.repeat(PATTERN_LIMITS.chars + 1), 'longer than'],
    [Array.from({ length: 33 }, () => 'a').join('/'), 'segments'],
    ['{a,b}/{c,d}/{e,f}/{g,h}/{i,j}/{k,l}', 'more than 32 alternatives'],
    ['{a,{b,{c,d}}}', 'nested deeper'],
    ['**/a/**/b/**/c/**/d/**', '** segments'],
    ['.', 'names no path'],
  ])('given %j, when parsed, then VALIDATION_FAILED naming %s', (raw, why) => {
    const answer = refusal(raw);
    expect(answer).toMatch(/^VALIDATION_FAILED: /);
    expect(answer).toContain(why);
  });

  it('given slashes to tidy, when parsed, then the pattern is normalised', () => {
    expect(parsePattern('./src//auth').text).toBe('src/auth');
    expect(parsePattern('./src//auth/').text).toBe('src/auth/**');
  });

  it('given braces, when parsed, then each alternative is filed by its own literal prefix', () => {
    const parsed = parsePattern('src/{auth,ui}/**');
    expect(parsed.alternatives.map((a) => a.prefix.join('/'))).toEqual(['src/auth', 'src/ui']);
    expect(parsed.alternatives.every((a) => a.literal === null)).toBe(true);
  });

  it('given a plain path, when parsed, then it is literal (a file or a directory)', () => {
    expect(parsePattern('src/app/(auth)/page.tsx').alternatives[0]?.literal).toBe('src/app/(auth)/page.tsx');
  });
});
