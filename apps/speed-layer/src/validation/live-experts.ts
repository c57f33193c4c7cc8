import type { EventEnvelope } from '@lighthouse/contracts';

/**
 * Whether an escalation of a role has an expert to go to: the registry's events (registered,
 * deregistered, session ended, revoked, credential replaced) as the speed layer follows the
 * store, and what the last escalation saw — a question that sat queued until its timeout (no
 * expert took it) marks the role unserved for a while. Without a live expert, an escalation goes
 * to the humans in the console at once instead of waiting out a queue nobody serves. Nothing here
 * runs per validation: no presence traffic is heard (it would cost the hot path on every signed
 * request); a hint, never a permission: it only chooses where the question is put.
 */
export class LiveExperts {
  private readonly roleOf = new Map<string, string>();
  private readonly unservedUntil = new Map<string, number>();

  /** `cooldownMs`: how long a role that let a question time out unclaimed counts as unserved. */
  constructor(private readonly cooldownMs: number) {}

  onEvent(event: Pick<EventEnvelope, 'type' | 'agent' | 'data'>): void {
    switch (event.type) {
      case 'expert.registered':
        if (typeof event.data['role'] !== 'string') return;
        this.roleOf.set(event.agent, event.data['role']);
        this.unservedUntil.delete(event.data['role']);
        return;
      case 'session.ended':
        if (event.data['expertDeregistered'] === true) this.roleOf.delete(event.agent);
        return;
      case 'expert.deregistered':
      case 'agent.revoked':
      case 'credential.issued':
        this.roleOf.delete(event.agent);
        return;
    }
  }

  /** Who is registered as an expert of which role, as plain data (a follower snapshot; the unserved marks are this process's own). */
  snapshot(): [agent: string, role: string][] {
    return [...this.roleOf];
  }

  /** Replaces the registrations with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    if (!Array.isArray(state) || !state.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string')) throw new Error('not a list of expert registrations');
    this.roleOf.clear();
    for (const [agent, role] of state as [string, string][]) this.roleOf.set(agent, role);
  }

  /** An escalation of `role` timed out while still queued: nobody serves the role now. */
  markUnserved(role: string, nowMs = Date.now()): void {
    this.unservedUntil.set(role, nowMs + this.cooldownMs);
  }

  /** Is an expert of `role` registered, and has the role not let a question time out unclaimed lately? */
  anyLive(role: string, nowMs = Date.now()): boolean {
    if ((this.unservedUntil.get(role) ?? 0) > nowMs) return false;
    for (const registered of this.roleOf.values()) if (registered === role) return true;
    return false;
  }
}
