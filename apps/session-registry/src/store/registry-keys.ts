/**
 * Redis key layout of the registry. Everything about one agent shares the hash tag `{agentId}`,
 * so the hot-path scripts (authorize a request, start a session) touch keys of one slot only.
 * The cross-agent indexes (revocations, experts by role) are plain keys.
 */
export class RegistryKeys {
  constructor(readonly prefix: string) {}

  /** Hash: `hash` (SHA-256 of the credential, hex), `issuedMs`, `roles` (JSON array of granted expert roles). */
  credential(agentId: string): string {
    return `${this.agentRoot(agentId)}:credential`;
  }

  /** String: Unix seconds; sessions started at or before it are void. */
  revokedAt(agentId: string): string {
    return `${this.agentRoot(agentId)}:revoked-at`;
  }

  /** Hash: `createdMs`, `absExpMs`, `lastSeenMs`; expires after the idle timeout. */
  session(agentId: string, sessionId: string): string {
    return `${this.agentRoot(agentId)}:session:${sessionId}`;
  }

  /** Set of the agent's session ids (some may have expired), to end them all on revocation. */
  sessions(agentId: string): string {
    return `${this.agentRoot(agentId)}:sessions`;
  }

  /** String with a TTL: the nonce was seen. */
  nonce(agentId: string, nonce: string): string {
    return `${this.agentRoot(agentId)}:nonce:${nonce}`;
  }

  /** Hash of the agent's expert registration; expires with the session that registered it. */
  expert(agentId: string): string {
    return `${this.agentRoot(agentId)}:expert`;
  }

  /** Hash agentId → revokedAt (Unix seconds), for verifiers' in-memory lists. */
  get revokedAgents(): string {
    return `${this.prefix}revoked:agents`;
  }

  /** Sorted set of ended sessions, member `<sessionId> <agentId>`, score: when its last token expires. */
  get endedSessions(): string {
    return `${this.prefix}revoked:sessions`;
  }

  /** Set of agent ids registered for a role (members whose registration expired are pruned on read). */
  expertsByRole(role: string): string {
    return `${this.prefix}experts:role:${role}`;
  }

  /** Set of roles that have (or had) experts. */
  get expertRoles(): string {
    return `${this.prefix}experts:roles`;
  }

  private agentRoot(agentId: string): string {
    return `${this.prefix}agent:{${agentId}}`;
  }
}
