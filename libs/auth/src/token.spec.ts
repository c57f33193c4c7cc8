import { createHmac, randomBytes } from 'node:crypto';
import { deriveAuthKeys } from './keys';
import { signToken, verifyToken, type TokenClaims } from './token';

const keys = deriveAuthKeys(randomBytes(32).toString('base64url'));
const now = 1_800_000_000;
const claims: TokenClaims = { sub: 'agent-1', sid: randomBytes(16).toString('base64url'), aud: 'lighthouse', iat: now, exp: now + 900, sat: now };
const expect_ = { audience: 'lighthouse', nowSeconds: now + 10 };

describe('session tokens', () => {
  it('given a token it signed, verification returns the same claims', () => {
    expect(verifyToken(signToken(claims, keys), keys, expect_)).toEqual({ ok: true, claims });
  });

  it('refuses a token signed with another secret (a forgery)', () => {
    const forged = signToken(claims, deriveAuthKeys(randomBytes(32).toString('base64url')));
    expect(verifyToken(forged, keys, expect_)).toEqual({ ok: false, problem: 'bad_signature' });
  });

  it('refuses every token that differs from the issued one by a single bit', () => {
    const token = signToken(claims, keys);
    const bytes = Buffer.from(token, 'latin1');
    let refused = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(bytes);
        flipped[i] = (flipped[i] as number) ^ (1 << bit);
        const result = verifyToken(flipped.toString('latin1'), keys, expect_);
        if (!result.ok) refused++;
      }
    }
    expect(refused).toBe(bytes.length * 8);
  });

  it('refuses a token whose claims were changed, even with a re-encoded payload', () => {
    const [version, , mac] = signToken(claims, keys).split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'agent-2' })).toString('base64url');
    expect(verifyToken(`${version}.${payload}.${mac}`, keys, expect_)).toEqual({ ok: false, problem: 'bad_signature' });
  });

  it('refuses an expired token, exactly at its expiry', () => {
    const token = signToken(claims, keys);
    expect(verifyToken(token, keys, { ...expect_, nowSeconds: claims.exp - 1 }).ok).toBe(true);
    expect(verifyToken(token, keys, { ...expect_, nowSeconds: claims.exp })).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuses a token for another audience', () => {
    const token = signToken({ ...claims, aud: 'staging' }, keys);
    expect(verifyToken(token, keys, expect_)).toEqual({ ok: false, problem: 'wrong_audience' });
  });

  it('refuses a token issued well in the future', () => {
    const token = signToken({ ...claims, iat: now + 3600, exp: now + 7200 }, keys);
    expect(verifyToken(token, keys, expect_)).toEqual({ ok: false, problem: 'not_yet_valid' });
  });

  it('refuses correctly signed payloads that are not claims', () => {
    const sign = (payload: string) => {
      const signed = `v1.${Buffer.from(payload).toString('base64url')}`;
      return `${signed}.${createHmac('sha256', keys.token).update(signed).digest('base64url')}`;
    };
    expect(verifyToken(sign('not json'), keys, expect_)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(sign(JSON.stringify({ ...claims, admin: true })), keys, expect_)).toEqual({ ok: false, problem: 'malformed' });
    expect(verifyToken(sign(JSON.stringify({ ...claims, sub: '' })), keys, expect_)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('refuses shapes that are not tokens at all', () => {
    for (const token of ['', 'v1', 'v1..', 'v2.a.b', 'a.b.c.d', 'x'.repeat(5000), 'Bearer v1.a.b']) {
      expect(verifyToken(token, keys, expect_).ok).toBe(false);
    }
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => deriveAuthKeys('too-short')).toThrow(/at least 32 bytes/);
  });
});
