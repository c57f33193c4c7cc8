/** How often one agent's `alive` goes out at most, and how many agents a replica remembers. */
export interface PresenceThrottleLimits {
  intervalMs: number;
  maxEntries: number;
}

/**
 * Which `alive` signals a replica sends: the first of an agent, then at most one per
 * `intervalMs` (a heartbeat or signed change sooner after the last one sent says nothing the
 * followers do not know, within a lease many times longer). A `gone` is always sent and clears
 * the agent, so the next `alive` after it goes out at once. Beyond `maxEntries` agents the
 * oldest are forgotten (their next `alive` goes out): forgetting only ever sends more.
 */
export class PresenceThrottle {
  private readonly sent = new Map<string, number>();

  constructor(private readonly limits: PresenceThrottleLimits) {}

  /** True when an `alive` of `agent` at `nowMs` is to be sent (and then counts as sent). */
  alive(agent: string, nowMs: number): boolean {
    const last = this.sent.get(agent);
    if (last !== undefined && nowMs - last < this.limits.intervalMs && nowMs >= last) return false;
    this.sent.delete(agent);
    this.sent.set(agent, nowMs);
    for (const oldest of this.sent.keys()) {
      if (this.sent.size <= this.limits.maxEntries) break;
      this.sent.delete(oldest);
    }
    return true;
  }

  /** The agent is gone: its next `alive` is sent whenever it comes. */
  gone(agent: string): void {
    this.sent.delete(agent);
  }

  get size(): number {
    return this.sent.size;
  }
}
