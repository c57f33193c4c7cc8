import { RE2JS } from 're2js';
import { LiteralGate, requiredLiterals } from './literal-gate';

describe('requiredLiterals', () => {
  it('given patterns starting with literals or groups of literals, then every alternative yields its literal', () => {
    expect(requiredLiterals('\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b')).toEqual({ literals: ['AKIA', 'ASIA'], caseInsensitive: false });
    expect(requiredLiterals('(?i)socket\\.socket\\(|pty\\.spawn|TCPSocket\\.(new|open)')).toEqual({ literals: ['socket.socket(', 'pty.spawn', 'TCPSocket.'], caseInsensitive: true });
    expect(requiredLiterals('-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----')).toEqual({ literals: ['-----BEGIN '], caseInsensitive: false });
    expect(requiredLiterals('(?is)(drop|truncate)\\s+table|\\bNOPASSWD')).toEqual({ literals: ['drop', 'truncate', 'NOPASSWD'], caseInsensitive: true });
  });

  it('given a literal a quantifier may drop, then it is not counted', () => {
    expect(requiredLiterals('abcd?e')).toEqual({ literals: ['abc'], caseInsensitive: false });
    expect(requiredLiterals('ab+c')).toEqual({ literals: ['ab'], caseInsensitive: false });
    expect(requiredLiterals('ab*')).toBeUndefined();
  });

  it('given patterns whose matches need no fixed text, then there is no gate', () => {
    for (const source of ['(^|\\s)-e(=|\\s|$)', 'abc|[0-9]+', '(abc)?def', '(?i:abc)', 'x(?-i)abc', '\\d{3}abc', 'abc|', '(?P<n>abc)'])
      expect({ source, got: requiredLiterals(source) }).toEqual({ source, got: undefined });
  });
});

describe('LiteralGate', () => {
  const cases: readonly (readonly [string, readonly string[]])[] = [
    ['\\bsk-[A-Za-z0-9]{20,}', ['sk-abcdefghijklmnopqrstuvwx', 'xsk-abcdefghijklmnopqrstuvwx', 'sk-short', 'nothing here', 'a sk-ABCDEFGHIJKLMNOPQRSTUV b']],
    ['(?i)stratum\\+(tcp|ssl)://', ['STRATUM+TCP://pool', 'ſtratum+tcp://x', 'stratum tcp', 'curl http://x']],
    ['(?i)\\bkill\\b', ['KILL -9', '\u212Aill 1', 'skill', 'nothing']],
  ];

  it.each(cases)('given %s, when texts are tested, then the gate answers exactly as RE2 alone', (source, texts) => {
    const regex = RE2JS.compile(source);
    const gated = LiteralGate.over(regex, [source]);
    expect(gated).toBeInstanceOf(LiteralGate);
    expect(texts.map((text) => gated.test(text))).toEqual(texts.map((text) => regex.test(text)));
  });

  it('given one source without a provable literal, then the bare regex is used', () => {
    const regex = RE2JS.compile('(?:abc)|(?:[0-9]+)');
    expect(LiteralGate.over(regex, ['abc', '[0-9]+'])).toBe(regex);
  });
});
