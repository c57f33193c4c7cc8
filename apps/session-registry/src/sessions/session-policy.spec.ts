import { NONCE_TTL_S, claimsFor, grantOf, sessionLimits, sessionStartOf } from './session-policy';

const nowMs = 1_800_000_000_500;
const request = { agentId: 'agent-1', sessionId: 's'.repeat(22), audience: 'lighthouse', sessionStartedS: 1_800_000_000, nowMs };

describe('session policy', () => {
  it('never lets a token outlive the idle timeout, nor the idle timeout the session', () => {
    expect(sessionLimits({ LH_TOKEN_TTL_S: 900, LH_SESSION_IDLE_S: 1800, LH_SESSION_TTL_S: 86400 })).toEqual({ tokenTtlS: 900, idleS: 1800, sessionTtlS: 86400 });
    expect(sessionLimits({ LH_TOKEN_TTL_S: 900, LH_SESSION_IDLE_S: 60, LH_SESSION_TTL_S: 86400 })).toEqual({ tokenTtlS: 60, idleS: 60, sessionTtlS: 86400 });
    expect(sessionLimits({ LH_TOKEN_TTL_S: 900, LH_SESSION_IDLE_S: 1800, LH_SESSION_TTL_S: 30 })).toEqual({ tokenTtlS: 30, idleS: 30, sessionTtlS: 30 });
  });

  it('issues a token for the token lifetime while the session has longer to live', () => {
    const limits = { tokenTtlS: 900, idleS: 1800, sessionTtlS: 86400 };
    const claims = claimsFor({ ...request, sessionAbsExpMs: nowMs + 86_400_000 }, limits);
    expect(claims).toEqual({ sub: 'agent-1', sid: request.sessionId, aud: 'lighthouse', iat: 1_800_000_000, exp: 1_800_000_900, sat: 1_800_000_000 });
  });

  it('ends the token with the session when the session ends first', () => {
    const limits = { tokenTtlS: 900, idleS: 1800, sessionTtlS: 86400 };
    const claims = claimsFor({ ...request, sessionAbsExpMs: nowMs + 60_000 }, limits);
    expect(claims.exp).toBe(1_800_000_060);
  });

  it('starts a session after a revocation made in the same second', () => {
    expect(sessionStartOf(100, 0)).toBe(100);
    expect(sessionStartOf(100, 100)).toBe(101);
    expect(sessionStartOf(100, 50)).toBe(100);
  });

  it('remembers nonces for longer than a request can stay fresh', () => {
    expect(NONCE_TTL_S).toBeGreaterThanOrEqual(600);
  });

  it('hands the client what it needs and nothing secret of the server', () => {
    const limits = { tokenTtlS: 900, idleS: 1800, sessionTtlS: 86400 };
    const claims = claimsFor({ ...request, sessionAbsExpMs: nowMs + 86_400_000 }, limits);
    const grant = grantOf(claims, 'v1.a.b', 'k'.repeat(43), nowMs + 86_400_000, limits);
    expect(grant).toMatchObject({ agentId: 'agent-1', token: 'v1.a.b', idleTimeoutSeconds: 1800, tokenExpiresAt: '2027-01-15T08:15:00.000Z' });
  });
});
