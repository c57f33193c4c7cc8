import type { Revocation } from '@lighthouse/contracts';
import type { TokenClaims } from '@lighthouse/auth';

/**
 * The revocations a verifier holds in memory: agents (with the time before which their sessions
 * are void) and ended sessions (until their last token expires). Merging is idempotent and
 * order-free (a watermark only rises, a session stays ended), so a snapshot and live events can
 * arrive in any order and still agree.
 */
export class RevocationList {
  private readonly agents = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  apply(revocation: Revocation): void {
    if (revocation.kind === 'agent') {
      this.agents.set(revocation.agentId, Math.max(this.agents.get(revocation.agentId) ?? 0, revocation.revokedAt));
    } else {
      this.sessions.set(revocation.sessionId, Math.max(this.sessions.get(revocation.sessionId) ?? 0, revocation.until));
    }
  }

  /** Why the token's session is void, or undefined when it is not. */
  reasonToRefuse(claims: TokenClaims): string | undefined {
    const revokedAt = this.agents.get(claims.sub);
    if (revokedAt !== undefined && claims.sat <= revokedAt) return 'the agent has been revoked';
    if (this.sessions.has(claims.sid)) return 'the session has ended';
    return undefined;
  }

  /** Forgets ended sessions whose tokens have all expired. */
  prune(nowS: number): void {
    for (const [sessionId, until] of this.sessions) if (until < nowS) this.sessions.delete(sessionId);
  }

  get size(): { agents: number; sessions: number } {
    return { agents: this.agents.size, sessions: this.sessions.size };
  }
}
