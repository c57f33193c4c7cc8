import { patternsOverlap } from './glob-overlap';
import { parsePattern, type ParsedPattern } from './glob-pattern';
import { ReservationIndex } from './reservation-index';

describe('the reservation index', () => {
  let seed = 11;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const seg = () => ['a', 'b', 'src', 'x.ts', '*', '*.ts', '?', '**', 'auth', 'ui'][rnd(10)] as string;
  const pattern = () => parsePattern(Array.from({ length: 1 + rnd(4) }, seg).join('/'));

  it('given a thousand random patterns, when asked about random patterns and paths, then it answers what a scan of every pattern answers', () => {
    const index = new ReservationIndex<number>();
    const patterns = new Map<number, ParsedPattern>();
    for (let i = 0; i < 1000; i++) {
      const p = pattern();
      patterns.set(i, p);
      index.add(i, p);
    }
    for (let i = 0; i < 300; i += 3) {
      index.remove(i);
      patterns.delete(i);
    }
    for (let q = 0; q < 300; q++) {
      const query = pattern();
      const scanned = [...patterns].filter(([, p]) => patternsOverlap(p, query)).map(([id]) => id).sort((a, b) => a - b);
      expect({ query: query.text, ids: index.all(query).sort((a, b) => a - b) }).toEqual({ query: query.text, ids: scanned });
    }
    expect(index.size).toBe(patterns.size);
  });

  it('given reservations under a directory, when the directory is asked with what is below it, then they are found, and not when asked as one path', () => {
    const index = new ReservationIndex<string>();
    index.add('token', parsePattern('src/auth/token.ts'));
    index.add('tests', parsePattern('src/**/*.test.ts'));
    expect(index.all(parsePattern('src/**')).sort()).toEqual(['tests', 'token']);
    expect(index.find(parsePattern('src'), (e) => e === 'token', true)).toBe('token');
    expect(index.find(parsePattern('src'))).toBeUndefined();
    expect(index.find(parsePattern('src/ui/a.test.ts'))).toBe('tests');
    expect(index.find(parsePattern('src/ui'), (e) => e !== 'token', true)).toBe('tests');
  });

  it('given an entry removed, when asked again, then it is gone and empty branches are pruned', () => {
    const index = new ReservationIndex<string>();
    index.add('a', parsePattern('deep/er/still/file.ts'));
    index.remove('a');
    expect(index.find(parsePattern('deep'), undefined, true)).toBeUndefined();
    expect(index.size).toBe(0);
  });
});
