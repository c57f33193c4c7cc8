import { LighthouseError, type AuthProof } from '@lighthouse/contracts';
import { describeTokenProblem, verifyToken, withinSkew, type AuthKeys, type TokenClaims } from '@lighthouse/auth';
import type { Authorization } from '../store/registry.store';

/**
 * The registry's own check of a caller's proof. It does not trust the gateway's verdict: the
 * token is verified again (a MAC, microseconds), and a change must carry a fresh timestamp.
 */
export function provenClaims(auth: AuthProof, keys: AuthKeys, audience: string, nowS: number, change: boolean): TokenClaims {
  const check = verifyToken(auth.token, keys, { audience, nowSeconds: nowS });
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
