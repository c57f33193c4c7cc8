import { deriveAuthKeys, sessionKeyOf } from './keys';
import { signToken, type TokenClaims } from './token';
import { TokenVerifier } from './token-verifier';

const keys = deriveAuthKeys('a'.repeat(48));
const claims: TokenClaims = { sub: 'dev-1', sid: 'AAAAAAAAAAAAAAAAAAAAAA', aud: 'lighthouse', iat: 1000, exp: 2000, sat: 1000 };
const token = signToken(claims, keys);

describe('TokenVerifier', () => {
  it('given a verified token, when it comes again before its expiry, then it is accepted with the same claims, and refused once expired', () => {
    const verifier = new TokenVerifier(keys, 'lighthouse');
    expect(verifier.verify(token, 1500)).toEqual({ ok: true, claims });
    expect(verifier.size.tokens).toBe(1);
    expect(verifier.verify(token, 1999)).toEqual({ ok: true, claims });
    expect(verifier.verify(token, 2000)).toEqual({ ok: false, problem: 'expired' });
    expect(verifier.size.tokens).toBe(0);
  });

  it('verifies in full a token that differs from a remembered one in any character, and never remembers a refused one', () => {
    const verifier = new TokenVerifier(keys, 'lighthouse');
    expect(verifier.verify(token, 1500).ok).toBe(true);
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const forgedClaims = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    const tampered = [`${version}.${forgedClaims}.${mac}`, `${version}.${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${token} `];
    for (const bad of tampered) expect(verifier.verify(bad, 1500).ok).toBe(false);
    expect(verifier.size.tokens).toBe(1);
    expect(new TokenVerifier(keys, 'other-audience').verify(token, 1500)).toEqual({ ok: false, problem: 'wrong_audience' });
  });

  it('hands out frozen claims, so no caller can change what the next request is told', () => {
    const verifier = new TokenVerifier(keys, 'lighthouse');
    const check = verifier.verify(token, 1500);
    expect(check.ok && Object.isFrozen(check.claims)).toBe(true);
  });

  it('derives session keys as sessionKeyOf does, and stays within its bound', () => {
    const verifier = new TokenVerifier(keys, 'lighthouse', 2);
    for (const sid of ['a', 'b', 'c']) expect(verifier.sessionKey(sid).equals(sessionKeyOf(keys, sid))).toBe(true);
    expect(verifier.size.sessionKeys).toBe(2);
  });
});
