import { EventEmitter } from 'node:events';
import type { Delegation, DelegationEvent, EventEnvelope } from '@lighthouse/contracts';
import { evolve, isTerminal } from '@lighthouse/delegation';

/** A delegation with the version of its stream and the id of its last event (for causation). */
export interface Tracked {
  delegation: Delegation;
  version: number;
  lastEventId: string;
}

/**
 * Every delegation this replica knows, folded from its events. Fed by the store follower (so
 * all replicas converge) and by this replica's own appends (so it sees its writes at once).
 * Emits `change` with the delegation after every update. Finished delegations stay readable
 * (get, list, wait) but leave the index of open ones that housekeeping walks.
 */
export class DelegationProjection extends EventEmitter {
  private readonly byId = new Map<string, Tracked>();
  private readonly openIds = new Set<string>();

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  get(id: string): Tracked | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Tracked> {
    return this.byId.values();
  }

  /** The delegations not finished yet. */
  *open(): IterableIterator<Delegation> {
    for (const id of this.openIds) yield (this.byId.get(id) as Tracked).delegation;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Applies a committed envelope unless it is already folded in (by stream version). */
  applyEnvelope(envelope: EventEnvelope): void {
    if (!envelope.type.startsWith('delegation.')) return;
    const id = envelope.stream.slice('delegation-'.length);
    this.apply(id, envelope.streamVersion, envelope.id, { type: envelope.type, data: envelope.data } as DelegationEvent, String(envelope.data['at']));
  }

  /** Folds one event at `version` of the stream of `id`; older or repeated versions are ignored. */
  apply(id: string, version: number, eventId: string, event: DelegationEvent, at: string): void {
    const current = this.byId.get(id);
    if (current ? version !== current.version + 1 : version !== 1) return;
    const delegation = evolve(current?.delegation, event, at);
    this.set({ delegation, version, lastEventId: eventId });
  }

  /** Replaces what is known of one delegation with a fresh fold (after a conflict). */
  reset(id: string, tracked: Tracked): void {
    const current = this.byId.get(id);
    if (current && current.version >= tracked.version) return;
    this.set(tracked);
  }

  private set(tracked: Tracked): void {
    const { delegation } = tracked;
    this.byId.set(delegation.id, tracked);
    if (isTerminal(delegation)) this.openIds.delete(delegation.id);
    else this.openIds.add(delegation.id);
    this.emit('change', delegation);
  }
}
