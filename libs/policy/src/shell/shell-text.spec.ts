import { decodeEscapes } from './ansi-c';
import { expandBraces } from './brace-expansion';

describe('decodeEscapes', () => {
  it('given hex, octal, unicode and control escapes, when decoded, then they become characters', () => {
    expect(decodeEscapes('\\x72\\155\\u0020\\t\\cA')).toBe('rm \t\x01');
  });

  it("given echo's octal rule, when decoded, then only \\0NNN is octal", () => {
    expect(decodeEscapes('\\0162\\155', true)).toBe('r\\155');
  });
});

describe('expandBraces', () => {
  it('given comma lists, nesting and ranges, when expanded, then every word is produced in order', () => {
    expect(expandBraces('{rm,-rf,/}')).toEqual(['rm', '-rf', '/']);
    expect(expandBraces('/{e,}tc')).toEqual(['/etc', '/tc']);
    expect(expandBraces('a{b,{c,d}}')).toEqual(['ab', 'ac', 'ad']);
    expect(expandBraces('f{1..3}')).toEqual(['f1', 'f2', 'f3']);
  });

  it('given no valid group, when expanded, then the word stays as it is', () => {
    expect(expandBraces('{}')).toEqual(['{}']);
    expect(expandBraces('x{a}')).toEqual(['x{a}']);
    expect(expandBraces('{1..1000}')).toEqual(['{1..1000}']);
  });
});
