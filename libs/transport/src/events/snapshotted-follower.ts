import { randomBytes } from 'node:crypto';
import type { FollowerSnapshotConfig } from '@lighthouse/config';
import type { ServiceMetrics } from '@lighthouse/observability';
import { FollowerSnapshots, MemorySnapshotStore, SnapshotKeyring, type ResumePhases, type SnapshotKeys, type Snapshottable, type SnapshotStore } from '@lighthouse/snapshots';
import type { BusStreams } from '../bus-streams';
import { ObjectSnapshotStore } from './object-snapshot.store';
import type { NatsBus } from '../nats-bus';
import type { EventStoreClient } from './event-store.client';
import { EventFollower, type FollowOptions } from './event-follower';

export interface SnapshottedFollowOptions extends Omit<FollowOptions, 'fromSequence'> {
  /** The follower kind: the snapshot's key, shared by every replica of the kind. */
  kind: string;
  /** Everything `onEvent` folds into, as one snapshot. */
  projection: Snapshottable;
  snapshots: SnapshotStore;
  /** The event log's keyring: snapshots are signed with it, and one that does not check is refused. */
  keys: SnapshotKeys;
  /** A snapshot is written after this many events applied (0: never by count)... */
  everyEvents: number;
  /** ...or this long after the last one, if any event was applied since (0: never by time). */
  everyMs: number;
  /** How often the schedule is looked at (default: every second, or `everyMs` if shorter). */
  checkMs?: number;
  metrics?: ServiceMetrics;
  /** A snapshot was written (or could not be). */
  onSnapshot?: (outcome: { sequence: number; ms: number } | { error: unknown }) => void;
}

/** How a follower started: from which snapshot (or why none), and how many events it replayed. */
export interface StartupReport {
  snapshotSequence: number | null;
  reason?: string;
  /** The stored snapshot failed its MAC check (unsigned, unknown_key, bad_mac): it may be forged and was not loaded. */
  refused?: string;
  /** Events of the followed channels applied by the first catch-up. */
  replayed: number;
  /** The next sequence expected once caught up. */
  position: number;
  ms: number;
  /** Where the time went (ms): the store's head, each step of loading the snapshot, and the catch-up after it. */
  phases: ResumePhases & { head: number; catchUp: number };
}

/**
 * A store follower that starts from its last snapshot: it loads the projection from the snapshot
 * store (unless the snapshot is unusable, see {@link FollowerSnapshots.resume}), catches up from
 * the sequence after it, then follows live; every `everyEvents` events or `everyMs` it writes a
 * new snapshot, captured between two events. A snapshot that cannot be written is reported and
 * tried again at the next due point; the follower itself never stops for it.
 */
export class SnapshottedFollower {
  private readonly snapshots: FollowerSnapshots;
  private inner?: EventFollower;
  private timer?: NodeJS.Timeout;
  private phase: 'startup' | 'live' = 'startup';
  private appliedCount = 0;
  /** After a failed write, the next try waits until then (a store that is down is not hammered). */
  private retryAt = 0;
  startup?: StartupReport;

  constructor(
    private readonly bus: Pick<NatsBus, 'subscribe'>,
    private readonly store: Pick<EventStoreClient, 'read' | 'head'>,
    private readonly options: SnapshottedFollowOptions,
  ) {
    this.snapshots = new FollowerSnapshots(options.snapshots, options.projection, { kind: options.kind, keys: options.keys, schedule: { everyEvents: options.everyEvents, everyMs: options.everyMs } });
  }

  /** The follower underneath (position, idle, catch-up); there once started. */
  get follower(): EventFollower {
    if (!this.inner) throw new Error('the follower has not started');
    return this.inner;
  }

  /** Events applied since this process started (the start-up catch-up included). */
  get applied(): number {
    return this.appliedCount;
  }

  /** Loads the snapshot, catches up from the sequence after it, then follows live. */
  async start(): Promise<StartupReport> {
    const started = Date.now();
    const head = await this.store.head();
    const headMs = Date.now() - started;
    const resumed = await this.snapshots.resume(head.lastSequence, async (anchor) => {
      const page = await this.store.read({ fromSequence: anchor.sequence, limit: 1 });
      return page.events[0]?.sequence === anchor.sequence && page.events[0].id === anchor.id;
    });
    if (resumed.refused) this.options.metrics?.followerSnapshotRefused.inc({ follower: this.options.kind, reason: resumed.refused });
    if (resumed.snapshotSequence !== null) this.options.metrics?.followerSnapshotSequence.set({ follower: this.options.kind }, resumed.snapshotSequence);
    const { onEvent } = this.options;
    this.inner = new EventFollower(this.bus, this.store, {
      ...this.options,
      fromSequence: resumed.fromSequence,
      ...(resumed.anchor ? { lastDelivered: resumed.anchor } : {}),
      onEvent: async (event) => {
        await onEvent(event);
        this.appliedCount++;
        this.snapshots.applied();
        this.options.metrics?.followerAppliedEvents.inc({ follower: this.options.kind, phase: this.phase });
      },
    });
    const catchUpStarted = Date.now();
    await this.inner.start();
    this.phase = 'live';
    this.startup = {
      snapshotSequence: resumed.snapshotSequence,
      ...(resumed.reason ? { reason: resumed.reason } : {}),
      ...(resumed.refused ? { refused: resumed.refused } : {}),
      replayed: this.appliedCount,
      position: this.inner.position,
      ms: Date.now() - started,
      phases: { head: headMs, ...this.snapshots.resumePhases, catchUp: Date.now() - catchUpStarted },
    };
    const checkMs = this.options.checkMs ?? Math.min(1000, this.options.everyMs || 1000);
    this.timer = setInterval(() => void this.saveIfDue(), checkMs);
    this.timer.unref?.();
    void this.saveIfDue();
    return this.startup;
  }

  /** Writes a snapshot now (if anything new was applied); answers the sequence it covers. */
  async saveNow(): Promise<number | null> {
    const started = Date.now();
    const follower = this.follower;
    const sequence = await this.snapshots.save((capture) => follower.atRest(capture));
    if (sequence !== null) {
      this.options.metrics?.followerSnapshotSequence.set({ follower: this.options.kind }, sequence);
      this.options.onSnapshot?.({ sequence, ms: Date.now() - started });
    }
    return sequence;
  }

  /** Stops following (and the schedule); what was applied since the last snapshot is replayed next start. */
  stop(): void {
    clearInterval(this.timer);
    this.inner?.stop();
  }

  private async saveIfDue(): Promise<void> {
    if (Date.now() < this.retryAt || !this.snapshots.due(this.inner?.position ?? 0)) return;
    try {
      await this.saveNow();
    } catch (error) {
      this.retryAt = Date.now() + Math.max(this.options.everyMs, 10_000);
      this.options.onSnapshot?.({ error });
    }
  }
}

/** Where a service's followers keep snapshots and how often, from its configuration (absent keys: the defaults). */
export interface SnapshotSettings {
  snapshots: SnapshotStore;
  /** The keyring snapshots are signed and checked with (from LH_EVENT_HMAC_KEYS). */
  keys: SnapshotKeys;
  everyEvents: number;
  everyMs: number;
  enabled: boolean;
}

/**
 * Opens the snapshot bucket the configuration names; with `LH_SNAPSHOTS=off`, a store that holds
 * nothing and a schedule that never comes due (every start replays the log).
 */
export async function snapshotSettings(streams: BusStreams, config: Partial<FollowerSnapshotConfig>): Promise<SnapshotSettings> {
  if (config.LH_SNAPSHOTS === 'off') return snapshotsOff();
  if (!config.LH_EVENT_HMAC_KEYS?.length) throw new Error('LH_EVENT_HMAC_KEYS is required while LH_SNAPSHOTS is on: snapshots are signed with the event log keys');
  const keys = new SnapshotKeyring(config.LH_EVENT_HMAC_KEYS, config.LH_EVENT_ACTIVE_KEY_ID);
  const snapshots = await ObjectSnapshotStore.open(streams, { bucket: config.LH_SNAPSHOT_BUCKET ?? 'lh-snapshots', maxBytes: config.LH_SNAPSHOT_MAX_BYTES ?? 1024 ** 3 });
  return { snapshots, keys, everyEvents: config.LH_SNAPSHOT_EVERY_EVENTS ?? 50_000, everyMs: config.LH_SNAPSHOT_EVERY_MS ?? 300_000, enabled: true };
}

/**
 * No snapshots: a store that holds nothing and a schedule that never comes due. Nothing is kept
 * across processes, so the key is a random one of this process only.
 */
export function snapshotsOff(): SnapshotSettings {
  return { snapshots: new MemorySnapshotStore(), keys: new SnapshotKeyring([{ id: 0, secret: randomBytes(32) }]), everyEvents: 0, everyMs: 0, enabled: false };
}
