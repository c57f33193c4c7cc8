import { createHash, timingSafeEqual } from 'node:crypto';

/** How long a replica trusts a credential it checked against Redis, and how many it keeps. */
export interface VerifiedCredentialsLimits {
  ttlMs: number;
  maxEntries: number;
}

/**
 * The credentials this replica recently checked against Redis, by agent: a session start that
 * presents one of them skips the read of the stored hash and goes straight to storing its
 * `session.created` event. This is not where the decision is made: the script that starts the
 * session compares the hash again, atomically, so a credential replaced or revoked meanwhile
 * still fails (the caller then forgets it here and records the session as ended). What a stale
 * entry can cost is bounded: one created/ended pair of events per entry, for whoever holds that
 * very credential. Entries expire after `ttlMs`; the oldest go first beyond `maxEntries`.
 */
export class VerifiedCredentials {
  private readonly entries = new Map<string, { digest: Buffer; untilMs: number }>();

  constructor(private readonly limits: VerifiedCredentialsLimits) {}

  /** True when `credential` is the one last verified for `agentId`, within the time to live. */
  matches(agentId: string, credential: string, nowMs: number): boolean {
    const entry = this.entries.get(agentId);
    if (!entry) return false;
    if (entry.untilMs <= nowMs) {
      this.entries.delete(agentId);
      return false;
    }
    return timingSafeEqual(entry.digest, digestOf(credential));
  }

  remember(agentId: string, credential: string, nowMs: number): void {
    this.entries.delete(agentId);
    this.entries.set(agentId, { digest: digestOf(credential), untilMs: nowMs + this.limits.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  forget(agentId: string): void {
    this.entries.delete(agentId);
  }

  get size(): number {
    return this.entries.size;
  }
}

const digestOf = (credential: string): Buffer => createHash('sha256').update(credential).digest();
