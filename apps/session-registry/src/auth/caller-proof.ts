import { LighthouseError, type AuthProof } from '@lighthouse/contracts';
import { describeTokenProblem, withinSkew, type TokenClaims, type TokenVerifier } from '@lighthouse/auth';
import type { Authorization } from '../store/registry.store';

/**
 * The registry's own check of a caller's proof. It does not trust the gateway's verdict: the
 * token is verified here too (MAC, claims and audience in full the first time this replica sees
 * it; a repeat of the very same token text, remembered until its expiry, has its expiry checked
 * again), and a change must carry a fresh timestamp. Revocations and the session's liveness are
 * Redis's answer on every request, not this function's.
 */
export function provenClaims(auth: AuthProof, tokens: TokenVerifier, nowS: number, change: boolean): TokenClaims {
  const check = tokens.verify(auth.token, nowS);
  if (!check.ok) throw new LighthouseError('UNAUTHENTICATED', describeTokenProblem(check.problem));
  if (change) {
    if (auth.timestamp === undefined || auth.nonce === undefined) throw new LighthouseError('UNAUTHENTICATED', 'a change must carry a timestamp and a nonce');
    if (!withinSkew(auth.timestamp, nowS)) throw new LighthouseError('UNAUTHENTICATED', 'the request timestamp is more than 300 s away from the server clock');
  }
  return check.claims;
}

/** Why Redis refused a session's request, in the stable error shape. */
export function refusalOf(status: Exclude<Authorization['status'], 'ok'>): LighthouseError {
  switch (status) {
    case 'revoked':
      return new LighthouseError('UNAUTHENTICATED', 'the agent has been revoked');
    case 'no_session':
      return new LighthouseError('UNAUTHENTICATED', 'the session has ended or expired; start a new one');
    case 'replay':
      return new LighthouseError('UNAUTHENTICATED', 'replayed request: this nonce was already used');
  }
}

/** An agent may act on its own behalf only. */
export function requireSelf(claims: TokenClaims, agentId: string, what: string): void {
  if (claims.sub !== agentId) throw new LighthouseError('FORBIDDEN', `an agent can ${what} only itself`);
}
