import { EventEmitter } from 'node:events';
import type { Delegation, DelegationEvent, EventEnvelope } from '@lighthouse/contracts';
import { isTerminal } from './delegation.decider';
import { evolve } from './delegation.evolve';

/** A delegation with the version of its stream and the id of its last event (for causation). */
export interface Tracked {
  delegation: Delegation;
  version: number;
  lastEventId: string;
}

/**
 * How many finished delegations stay in memory: at most `maxFinished`, none finished more than
 * `finishedTtlMs` before the newest event folded (0: no time limit). Open ones always stay. The
 * clock is the events' own time, so every replica, and a replay, evicts exactly the same ones.
 */
export interface RetentionOptions {
  maxFinished: number;
  finishedTtlMs: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxFinished: 10_000, finishedTtlMs: 24 * 3600_000 };

/** The layout of {@link DelegationProjection.snapshot}; bump it when the layout changes. */
export const DELEGATION_SNAPSHOT_VERSION = 1;

type TrackedRow = [id: string, version: number, lastEventId: string, delegation: Delegation];
interface ProjectionState {
  delegations: TrackedRow[];
  /** Finished ids with their finishing time (ms), oldest first: the eviction order. */
  finished: [string, number][];
}

/**
 * The delegations a router replica knows, folded from their events. Fed by the store follower
 * (so all replicas converge) and by the replica's own appends (so it sees its writes at once).
 * Emits `change` with the delegation after every update. Open delegations are indexed for
 * housekeeping; finished ones stay readable until the retention window evicts them (then the
 * repository reads them from their stream in the log again).
 */
export class DelegationProjection extends EventEmitter {
  private byId = new Map<string, Tracked>();
  private openIds = new Set<string>();
  /** Finished ids → finishing time (ms), in the order they finished. */
  private finished = new Map<string, number>();
  private evictedCount = 0;

  constructor(private readonly retention: RetentionOptions = DEFAULT_RETENTION) {
    super();
    if (!(retention.maxFinished >= 0) || !(retention.finishedTtlMs >= 0)) throw new RangeError('retention bounds must be ≥ 0');
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

  /** How many finished delegations held now, and how many were evicted since this projection began. */
  get retained(): { finished: number; evicted: number } {
    return { finished: this.finished.size, evicted: this.evictedCount };
  }

  /** Applies a committed envelope unless it is already folded in (by stream version). */
  applyEnvelope(envelope: EventEnvelope): void {
    if (!envelope.type.startsWith('delegation.')) return;
    const id = envelope.stream.slice('delegation-'.length);
    this.apply(id, envelope.streamVersion, envelope.id, { type: envelope.type, data: envelope.data } as DelegationEvent, String(envelope.data['at']));
  }

  /**
   * Folds one event at `version` of the stream of `id`; older or repeated versions are ignored,
   * and so are events of a delegation evicted (finished: nothing follows its last event).
   */
  apply(id: string, version: number, eventId: string, event: DelegationEvent, at: string): void {
    const current = this.byId.get(id);
    if (current ? version !== current.version + 1 : version !== 1) return;
    const delegation = evolve(current?.delegation, event, at);
    this.set({ delegation, version, lastEventId: eventId });
  }

  /** Replaces what is known of one delegation with a fresh fold (after a conflict, or a read of an evicted one). */
  reset(id: string, tracked: Tracked): void {
    const current = this.byId.get(id);
    if (current && current.version >= tracked.version) return;
    this.set(tracked);
  }

  /** The whole state as plain data (for a follower snapshot). */
  snapshot(): ProjectionState {
    return {
      delegations: [...this.byId.values()].map((t): TrackedRow => [t.delegation.id, t.version, t.lastEventId, t.delegation]),
      finished: [...this.finished],
    };
  }

  /** Replaces the whole state with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const { delegations, finished } = parseState(state);
    const byId = new Map<string, Tracked>();
    const openIds = new Set<string>();
    for (const [id, version, lastEventId, delegation] of delegations) {
      byId.set(id, { delegation, version, lastEventId });
      if (!isTerminal(delegation)) openIds.add(id);
    }
    const finishedIds = new Map(finished.filter(([id]) => byId.has(id)));
    this.byId = byId;
    this.openIds = openIds;
    this.finished = finishedIds;
  }

  private set(tracked: Tracked): void {
    const { delegation } = tracked;
    this.byId.set(delegation.id, tracked);
    if (isTerminal(delegation)) {
      this.openIds.delete(delegation.id);
      this.finished.delete(delegation.id);
      this.finished.set(delegation.id, Date.parse(delegation.updatedAt) || 0);
      this.evict(Date.parse(delegation.updatedAt) || 0, delegation.id);
    } else {
      this.openIds.add(delegation.id);
    }
    this.emit('change', delegation);
  }

  /** Drops the oldest finished delegations over the count, and those finished longer than the TTL before `nowMs` (never `keep`). */
  private evict(nowMs: number, keep: string): void {
    const { maxFinished, finishedTtlMs } = this.retention;
    for (const [id, finishedAt] of this.finished) {
      const overCount = this.finished.size > Math.max(1, maxFinished);
      const tooOld = finishedTtlMs > 0 && finishedAt < nowMs - finishedTtlMs;
      if (!overCount && !tooOld) break;
      if (id === keep) continue;
      this.finished.delete(id);
      this.byId.delete(id);
      this.evictedCount++;
    }
  }
}

/** Checks a snapshot's state enough to fold on it: it was written by {@link DelegationProjection.snapshot} and carries its digest. */
function parseState(state: unknown): ProjectionState {
  if (state === null || typeof state !== 'object') throw new Error('not a delegation projection');
  const { delegations, finished } = state as Partial<ProjectionState>;
  if (!Array.isArray(delegations) || !Array.isArray(finished)) throw new Error('not a delegation projection');
  for (const row of delegations) {
    if (!Array.isArray(row) || row.length !== 4) throw new Error('a delegation row is not [id, version, lastEventId, delegation]');
    const [id, version, lastEventId, d] = row as unknown[];
    if (typeof id !== 'string' || !Number.isSafeInteger(version) || (version as number) < 1 || typeof lastEventId !== 'string') throw new Error(`delegation row ${String(id)} is malformed`);
    if (d === null || typeof d !== 'object' || (d as Delegation).id !== id || typeof (d as Delegation).state !== 'string' || typeof (d as Delegation).updatedAt !== 'string') {
      throw new Error(`delegation ${id} is malformed`);
    }
  }
  for (const entry of finished) if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') throw new Error('a finished entry is not [id, ms]');
  return { delegations: delegations as TrackedRow[], finished: finished as [string, number][] };
}
