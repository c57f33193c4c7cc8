import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, signToken } from '@lighthouse/auth';
import { provenClaims, refusalOf, requireSelf } from './caller-proof';

const keys = deriveAuthKeys(randomBytes(32).toString('base64url'));
const now = 1_800_000_000;
const claims = { sub: 'agent-1', sid: 's'.repeat(22), aud: 'lighthouse', iat: now, exp: now + 900, sat: now };
const token = signToken(claims, keys);

describe('the registry checks a caller itself', () => {
  it('accepts a valid token for a query without timestamp or nonce', () => {
    expect(provenClaims({ token }, keys, 'lighthouse', now, false)).toEqual(claims);
  });

  it('requires a fresh timestamp and a nonce for a change', () => {
    const nonce = 'n'.repeat(16);
    expect(provenClaims({ token, timestamp: now - 300, nonce }, keys, 'lighthouse', now, true)).toEqual(claims);
    expect(() => provenClaims({ token, nonce }, keys, 'lighthouse', now, true)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => provenClaims({ token, timestamp: now - 301, nonce }, keys, 'lighthouse', now, true)).toThrow(/300 s/);
  });

  it('refuses tokens the gateway should have refused already', () => {
    const other = deriveAuthKeys(randomBytes(32).toString('base64url'));
    expect(() => provenClaims({ token: signToken(claims, other) }, keys, 'lighthouse', now, false)).toThrow(/signature/);
    expect(() => provenClaims({ token }, keys, 'staging', now, false)).toThrow(/audience/);
    expect(() => provenClaims({ token }, keys, 'lighthouse', now + 900, false)).toThrow(/expired/);
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
