import type { SessionGrant } from '@lighthouse/contracts';
import type { TokenClaims } from '@lighthouse/auth';
import { MAX_CLOCK_SKEW_SECONDS } from '@lighthouse/contracts';

/**
 * The time rules of sessions, as pure functions. Three limits, each no longer than the next: a
 * token lives at most the idle timeout (so a token never outlives an idle session), and the idle
 * timeout at most the session's absolute lifetime.
 */
export interface SessionLimits {
  tokenTtlS: number;
  idleS: number;
  sessionTtlS: number;
}

/** A nonce is remembered while a request carrying it could still pass the ±300 s window, and a minute more. */
export const NONCE_TTL_S = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

export function sessionLimits(config: { LH_TOKEN_TTL_S: number; LH_SESSION_IDLE_S: number; LH_SESSION_TTL_S: number }): SessionLimits {
  const sessionTtlS = config.LH_SESSION_TTL_S;
  const idleS = Math.min(config.LH_SESSION_IDLE_S, sessionTtlS);
  return { sessionTtlS, idleS, tokenTtlS: Math.min(config.LH_TOKEN_TTL_S, idleS) };
}

/**
 * When a new session starts, in Unix seconds: now, or just after the agent's last revocation
 * when that was this very second, so the revocation (which voids sessions started at or before
 * it) cannot catch a session the agent starts with its new credential.
 */
export const sessionStartOf = (nowS: number, revokedAtS: number): number => Math.max(nowS, revokedAtS + 1);

export interface TokenRequest {
  agentId: string;
  sessionId: string;
  audience: string;
  sessionStartedS: number;
  sessionAbsExpMs: number;
  nowMs: number;
}

/** Claims of a token issued now: it ends after the token lifetime or with the session, whichever is first. */
export function claimsFor(request: TokenRequest, limits: SessionLimits): TokenClaims {
  return {
    sub: request.agentId,
    sid: request.sessionId,
    aud: request.audience,
    iat: Math.floor(request.nowMs / 1000),
    exp: tokenExpiryOf(request.nowMs, request.sessionAbsExpMs, limits),
    sat: request.sessionStartedS,
  };
}

/** When a token issued at `nowMs` expires, in Unix seconds (see {@link claimsFor}). */
export function tokenExpiryOf(nowMs: number, sessionAbsExpMs: number, limits: SessionLimits): number {
  return Math.min(Math.floor(nowMs / 1000) + limits.tokenTtlS, Math.floor(sessionAbsExpMs / 1000));
}

export function grantOf(claims: TokenClaims, token: string, sessionKey: string, sessionAbsExpMs: number, limits: SessionLimits): SessionGrant {
  return {
    agentId: claims.sub,
    sessionId: claims.sid,
    token,
    tokenExpiresAt: new Date(claims.exp * 1000).toISOString(),
    sessionExpiresAt: new Date(sessionAbsExpMs).toISOString(),
    idleTimeoutSeconds: limits.idleS,
    sessionKey,
    audience: claims.aud,
  };
}
