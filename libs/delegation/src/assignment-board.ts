import type { Actor, Delegation } from '@lighthouse/contracts';
import { canTake, isTerminal } from './delegation.decider';

/** An expert waiting for work: its actor and whatever the caller needs to answer it. */
export interface WaitingExpert<T> {
  actor: Actor;
  ticket: T;
}

/** A queued delegation paired with the expert it goes to (both taken off the board). */
export interface Pairing<T> {
  delegation: Delegation;
  expert: WaitingExpert<T>;
}

type Queued = Pick<Delegation, 'id' | 'createdAt'>;

/**
 * Who gets which queued delegation, decided in one place and at once (in memory, no I/O): the
 * queued delegations by target (role or agent), oldest first; the experts waiting for work, by
 * role and by name, longest waiting first; what each expert holds (its load against its
 * capacity). A delegation that becomes queued goes to ONE waiting expert that may take it; an
 * expert that asks gets the oldest queued delegation it may take. A pairing reserves both until
 * the caller settles it, so nothing is handed to two experts and no expert over its capacity.
 * Finished delegations leave every index.
 */
export class AssignmentBoard<T> {
  private readonly queues = new Map<string, Queued[]>();
  private readonly queuedIds = new Map<string, Delegation>();
  /** Each line's waiting experts by ticket, longest waiting first (a Map keeps insertion order; leaving it is O(1)). */
  private readonly waiting = new Map<string, Map<T, WaitingExpert<T>>>();
  /** The lines (keys of `waiting`) each waiting expert stands in. */
  private readonly linesOf = new Map<T, string[]>();
  private readonly held = new Map<string, Set<string>>();
  private readonly holderOf = new Map<string, string>();
  /** Delegations reserved for an expert, with the expert: out of the queue until settled. */
  private readonly reserved = new Map<string, string>();

  /** Follows one delegation as it now stands (after any change). */
  track(d: Delegation): void {
    const holder = !isTerminal(d) && d.assignee && (d.state === 'assigned' || d.state === 'in_progress') ? d.assignee : null;
    this.setHolder(d.id, holder ?? this.reserved.get(d.id) ?? null);
    if (d.state === 'queued' && !this.reserved.has(d.id)) this.enqueue(d);
    else this.dequeue(d.id);
  }

  /** The delegation `id`, if queued, goes to one waiting expert that may take it (both reserved). */
  offer(id: string): Pairing<T> | undefined {
    const d = this.queuedIds.get(id);
    if (!d) return undefined;
    let expert: WaitingExpert<T> | undefined;
    for (const w of this.waiting.get(targetKey(d))?.values() ?? []) {
      if (canTake(d, w.actor) && this.hasRoom(w.actor)) {
        expert = w;
        break;
      }
    }
    if (!expert) return undefined;
    this.stopWaiting(expert.ticket);
    this.reserve(d, expert.actor.agent);
    return { delegation: d, expert };
  }

  /** The oldest queued delegation `actor` may take, reserved for it; none when it is full. */
  take(actor: Actor): Delegation | undefined {
    if (!this.hasRoom(actor)) return undefined;
    let best: Delegation | undefined;
    for (const key of keysOf(actor)) {
      for (const q of this.queues.get(key) ?? []) {
        const d = this.queuedIds.get(q.id) as Delegation;
        if (!canTake(d, actor)) continue;
        if (!best || before(d, best)) best = d;
        break;
      }
    }
    if (best) this.reserve(best, actor.agent);
    return best;
  }

  /** Settles a reservation: `d` as it now stands decides where it goes (queue, holder, nowhere). */
  settle(d: Delegation): void {
    this.reserved.delete(d.id);
    this.track(d);
  }

  /** Puts an expert in line for the next delegation it may take. */
  wait(expert: WaitingExpert<T>): void {
    const keys = keysOf(expert.actor);
    this.linesOf.set(expert.ticket, keys);
    for (const key of keys) {
      const line = this.waiting.get(key) ?? new Map<T, WaitingExpert<T>>();
      line.delete(expert.ticket);
      line.set(expert.ticket, expert);
      this.waiting.set(key, line);
    }
  }

  /** Takes an expert out of line (answered, timed out, or gone): only the lines it stands in. */
  stopWaiting(ticket: T): void {
    for (const key of this.linesOf.get(ticket) ?? []) {
      const line = this.waiting.get(key);
      line?.delete(ticket);
      if (line?.size === 0) this.waiting.delete(key);
    }
    this.linesOf.delete(ticket);
  }

  /** Ids of the open delegations `agent` holds (assigned, in progress, or reserved for it). */
  heldBy(agent: string): string[] {
    return [...(this.held.get(agent) ?? [])];
  }

  /** How many delegations wait in the queues; how many experts wait for work. */
  get sizes(): { queued: number; waiting: number; holders: number } {
    return { queued: this.queuedIds.size, waiting: this.linesOf.size, holders: this.held.size };
  }

  private hasRoom(actor: Actor): boolean {
    return (this.held.get(actor.agent)?.size ?? 0) < actor.capacity;
  }

  private reserve(d: Delegation, agent: string): void {
    this.reserved.set(d.id, agent);
    this.dequeue(d.id);
    this.setHolder(d.id, agent);
  }

  private setHolder(id: string, agent: string | null): void {
    const previous = this.holderOf.get(id);
    if (previous === agent) return;
    if (previous !== undefined) {
      const set = this.held.get(previous);
      set?.delete(id);
      if (set?.size === 0) this.held.delete(previous);
    }
    if (agent === null) {
      this.holderOf.delete(id);
      return;
    }
    this.holderOf.set(id, agent);
    const set = this.held.get(agent) ?? new Set<string>();
    set.add(id);
    this.held.set(agent, set);
  }

  private enqueue(d: Delegation): void {
    const known = this.queuedIds.has(d.id);
    this.queuedIds.set(d.id, d);
    if (known) return;
    const key = targetKey(d);
    const queue = this.queues.get(key) ?? [];
    // Oldest first; a released delegation goes back in its place by creation time.
    let at = queue.length;
    while (at > 0 && before(d, queue[at - 1] as Queued)) at--;
    queue.splice(at, 0, { id: d.id, createdAt: d.createdAt });
    this.queues.set(key, queue);
  }

  private dequeue(id: string): void {
    const d = this.queuedIds.get(id);
    if (!d) return;
    this.queuedIds.delete(id);
    const key = targetKey(d);
    const queue = (this.queues.get(key) ?? []).filter((q) => q.id !== id);
    if (queue.length === 0) this.queues.delete(key);
    else this.queues.set(key, queue);
  }
}

const targetKey = (d: Pick<Delegation, 'target'>): string => ('agent' in d.target ? `agent:${d.target.agent}` : `role:${d.target.role}`);
const keysOf = (actor: Actor): string[] => [`agent:${actor.agent}`, ...actor.roles.map((role) => `role:${role}`)];
const before = (a: Queued, b: Queued): boolean => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
