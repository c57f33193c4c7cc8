import picomatch from 'picomatch';
import { patternCovers, patternsOverlap } from './glob-overlap';
import { parsePattern } from './glob-pattern';

const overlap = (a: string, b: string) => patternsOverlap(parsePattern(a), parsePattern(b));

describe('glob overlap', () => {
  it.each([
    ['src/auth/**', 'src/auth/token.ts', true],
    ['src/auth/**', 'src/ui/x.ts', false],
    ['src/auth/', 'src/auth/token.ts', true],
    ['src/auth', 'src/auth/token.ts', false],
    ['src/*/token.ts', 'src/auth', false],
    ['src/*.ts', 'src/*.js', false],
    ['src/*.ts', 'src/a*', true],
    ['src/a?c', 'src/abc', true],
    ['src/a?c', 'src/abbc', false],
    ['**/*.test.ts', 'src/auth/x.test.ts', true],
    ['**/*.test.ts', 'src/auth/x.ts', false],
    ['src/[a-c]*', 'src/d*', false],
    ['src/[a-c]*', 'src/[b-z]x', true],
    ['src/{auth,ui}/**', 'src/ui/x.ts', true],
    ['docs/*.md', 'src/**', false],
    ['**', 'anything/at/all', true],
    ['a/**/z', 'a/b/c/z', true],
    ['a/**/z', 'a/b/c/y', false],
  ])('given %s and %s, when compared, then overlap is %s', (a, b, expected) => {
    expect(overlap(a, b)).toBe(expected);
    expect(overlap(b, a)).toBe(expected);
  });

  it('given random patterns and paths, when a path is covered by both (picomatch), then they are said to overlap', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const seg = () => ['a', 'b', 'ab', 'x.ts', 'y.js', '*', '*.ts', 'a*', '?', '[ab]', '**'][rnd(11)] as string;
    const name = () => ['a', 'b', 'ab', 'x.ts', 'y.js', 'ba', 'c'][rnd(7)] as string;
    const pattern = () => Array.from({ length: 1 + rnd(3) }, seg).join('/');
    const path = () => Array.from({ length: 1 + rnd(4) }, name).join('/');
    let bothCovered = 0;
    for (let i = 0; i < 20000; i++) {
      const [a, b] = [parsePattern(pattern()), parsePattern(pattern())];
      const p = path();
      if (patternCovers(a, p) && patternCovers(b, p)) {
        bothCovered++;
        expect({ a: a.text, b: b.text, p, overlap: patternsOverlap(a, b) }).toEqual({ a: a.text, b: b.text, p, overlap: true });
      }
    }
    expect(bothCovered).toBeGreaterThan(100);
  });

  it('given a glob, when it covers a path, then as picomatch matches it (dotfiles included)', () => {
    const glob = 'src/*/auth/**';
    for (const path of ['src/x/auth/token.ts', 'src/x/auth', 'src/.x/auth/.env', 'src/x/other/token.ts']) {
      expect(patternCovers(parsePattern(glob), path)).toBe(picomatch(glob, { dot: true })(path));
    }
  });

  it('given a literal with characters picomatch treats as syntax, when compiled, then they stay literal', () => {
    expect(patternCovers(parsePattern('app/(a|b)/*.tsx'), 'app/(a|b)/page.tsx')).toBe(true);
    expect(patternCovers(parsePattern('app/(a|b)/*.tsx'), 'app/a/page.tsx')).toBe(false);
  });
});
