/** What the directory reads of a stored event: its type, the agent it is about, its place in the log. */
export interface DirectoryEvent {
  type: string;
  agent: string;
  sequence: number;
}

/**
 * The agents a message may name: those the operator issued a credential to and did not revoke
 * since, folded from `credential.issued` and `agent.revoked` (the session registry's events).
 * Events may arrive out of order (the follower, and a look-up in the store for a name it has not
 * seen yet): the latest sequence per agent wins. Names the store was asked about and does not
 * know are remembered (at most `maxAbsent`, the oldest forgotten first) until an event names them,
 * so naming a stranger again costs no second look-up.
 */
export class AgentDirectory {
  private readonly latest = new Map<string, { known: boolean; sequence: number }>();
  private readonly absent = new Set<string>();

  constructor(private readonly maxAbsent = 10_000) {}

  /** Folds one event; any type but the two above is ignored. */
  apply(event: DirectoryEvent): void {
    if (event.type !== 'credential.issued' && event.type !== 'agent.revoked') return;
    const seen = this.latest.get(event.agent);
    if (seen && seen.sequence >= event.sequence) return;
    this.latest.set(event.agent, { known: event.type === 'credential.issued', sequence: event.sequence });
    this.absent.delete(event.agent);
  }

  /** Whether `agent` holds a credential now (as far as the events folded so far say). */
  has(agent: string): boolean {
    return this.latest.get(agent)?.known === true;
  }

  /** Of `agents`, those this directory cannot vouch for and has not yet asked the store about. */
  toLookUp(agents: readonly string[]): string[] {
    return agents.filter((agent) => !this.latest.has(agent) && !this.absent.has(agent));
  }

  /** The store was asked about `agent` and had no event of it (until one is folded). */
  markAbsent(agent: string): void {
    if (this.latest.has(agent)) return;
    this.absent.delete(agent);
    this.absent.add(agent);
    for (const oldest of this.absent) {
      if (this.absent.size <= this.maxAbsent) break;
      this.absent.delete(oldest);
    }
  }
}
