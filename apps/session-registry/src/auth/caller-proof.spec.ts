import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, signToken, TokenVerifier } from '@lighthouse/auth';
import { provenClaims, refusalOf, requireSelf } from './caller-proof';

const keys = deriveAuthKeys(randomBytes(32).toString('base64url'));
const now = 1_800_000_000;
const claims = { sub: 'agent-1', sid: 's'.repeat(22), aud: 'lighthouse', iat: now, exp: now + 900, sat: now };
const token = signToken(claims, keys);
const verifier = (audience = 'lighthouse', signingKeys = keys) => new TokenVerifier(signingKeys, audience);

describe('the registry checks a caller itself', () => {
  it('accepts a valid token for a query without timestamp or nonce', () => {
    expect(provenClaims({ token }, verifier(), now, false)).toEqual(claims);
  });

  it('requires a fresh timestamp and a nonce for a change', () => {
    const nonce = 'n'.repeat(16);
    expect(provenClaims({ token, timestamp: now - 300, nonce }, verifier(), now, true)).toEqual(claims);
    expect(() => provenClaims({ token, nonce }, verifier(), now, true)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => provenClaims({ token, timestamp: now - 301, nonce }, verifier(), now, true)).toThrow(/300 s/);
  });

  it('refuses tokens the gateway should have refused already', () => {
    const other = deriveAuthKeys(randomBytes(32).toString('base64url'));
    expect(() => provenClaims({ token: signToken(claims, other) }, verifier(), now, false)).toThrow(/signature/);
    expect(() => provenClaims({ token }, verifier('staging'), now, false)).toThrow(/audience/);
    expect(() => provenClaims({ token }, verifier(), now + 900, false)).toThrow(/expired/);
  });

  it('given a token it verified, when the same token comes again, then it is accepted until its expiry and refused after, and a token altered in one character is still refused', () => {
    const tokens = verifier();
    expect(provenClaims({ token }, tokens, now, false)).toEqual(claims);
    expect(provenClaims({ token }, tokens, now + 899, false)).toEqual(claims);
    expect(() => provenClaims({ token }, tokens, now + 900, false)).toThrow(/expired/);
    // The first character of the MAC (every bit of it counts; the last one carries padding bits).
    const at = token.lastIndexOf('.') + 1;
    const altered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(() => provenClaims({ token: altered }, tokens, now, false)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('given a remembered token, a change still needs its own fresh timestamp and nonce', () => {
    const tokens = verifier();
    expect(provenClaims({ token }, tokens, now, false)).toEqual(claims);
    expect(() => provenClaims({ token }, tokens, now, true)).toThrow(/timestamp and a nonce/);
  });

  it('maps every refusal from Redis to 401 with its reason', () => {
    expect(refusalOf('replay')).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('replayed') });
    expect(refusalOf('revoked')).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('revoked') });
    expect(refusalOf('no_session')).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('forbids acting for another agent', () => {
    expect(() => requireSelf(claims, 'agent-2', 'deregister')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => requireSelf(claims, 'agent-1', 'deregister')).not.toThrow();
  });
});
