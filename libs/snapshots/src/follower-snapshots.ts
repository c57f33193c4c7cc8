import { decodeSnapshot, encodeSnapshot, type SnapshotAnchor } from './snapshot-codec';
import { SnapshotSchedule, type SnapshotScheduleOptions } from './snapshot-schedule';
import { openSnapshot, sealSnapshot, type SnapshotKeys, type SnapshotRefusal } from './snapshot-seal';
import type { SnapshotStore } from './snapshot-store';

/**
 * A projection a follower can snapshot: its whole state as plain data (arrays, objects, strings,
 * numbers: what msgpack carries), and back. `restore(snapshot())` must give a projection that
 * answers every query as the original did, and folding the events after the snapshot into it must
 * give what folding every event gives.
 */
export interface Snapshottable {
  /** The version of the state layout; bump it when `snapshot()` changes shape (old snapshots are then ignored). */
  readonly stateVersion: number;
  snapshot(): unknown;
  /** Replaces the whole state with `state`; throws, changing nothing, when it is not a state it reads. */
  restore(state: unknown): void;
}

/** Where a follower starts: after its snapshot, or from sequence 1 (and why). */
export interface ResumePoint {
  fromSequence: number;
  /** The sequence the loaded snapshot covers; null when none was used. */
  snapshotSequence: number | null;
  /** Why no snapshot was used (none saved, unreadable, another version, ahead of the log...). */
  reason?: string;
  /** The last event the snapshot folded, when it says. */
  anchor?: SnapshotAnchor;
  /** Set when the stored snapshot failed its MAC check (unsigned, unknown key, wrong MAC): possibly forged, never loaded. */
  refused?: SnapshotRefusal;
}

/** Where the last {@link FollowerSnapshots.resume} spent its time (ms), the steps it took only; `bytes` read from the store. */
export interface ResumePhases {
  load?: number;
  open?: number;
  decode?: number;
  anchor?: number;
  restore?: number;
  bytes?: number;
}

export interface FollowerSnapshotsOptions {
  /** The snapshot's key in the store: the follower kind (every replica of a kind shares it). */
  kind: string;
  schedule: SnapshotScheduleOptions;
  /** The event log's keyring: every snapshot is signed with its active key and checked on resume. */
  keys: SnapshotKeys;
  now?: () => number;
}

/**
 * Runs `capture` between two events of the follower (never in the middle of one), with its
 * position (the next sequence it expects) and the last event it folded, if any.
 */
export type AtRest = <T>(capture: (position: number, anchor: SnapshotAnchor | null) => T) => Promise<T>;

/** Whether the log holds this very event at this sequence. */
export type AnchorCheck = (anchor: SnapshotAnchor) => Promise<boolean>;

/**
 * The snapshots of one follower: where it resumes from on start, and when and what it saves.
 * The follower reports the events it applies; when the schedule says so, `save` captures the
 * projection between two events (with the sequence it covers) and writes it to the store.
 */
export class FollowerSnapshots {
  private readonly schedule: SnapshotSchedule;
  private readonly now: () => number;
  private lastSaved = 0;
  private saving?: Promise<number | null>;
  private resumed: ResumePhases = {};

  constructor(
    private readonly store: SnapshotStore,
    private readonly projection: Snapshottable,
    private readonly options: FollowerSnapshotsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.schedule = new SnapshotSchedule(options.schedule, this.now());
  }

  /** Where the last resume spent its time. */
  get resumePhases(): Readonly<ResumePhases> {
    return this.resumed;
  }

  /** The sequence of the last snapshot loaded or saved (0: none). */
  get sequence(): number {
    return this.lastSaved;
  }

  /**
   * Loads the last snapshot into the projection when it is usable against a log whose last
   * sequence is `lastSequence`; otherwise the projection is left as it was and the follower
   * replays from sequence 1. A store that cannot be read is not fatal either: replaying is.
   */
  async resume(lastSequence: number, holds: AnchorCheck = () => Promise.resolve(true)): Promise<ResumePoint> {
    const phases: ResumePhases = {};
    this.resumed = phases;
    let last = performance.now();
    const lap = (phase: Exclude<keyof ResumePhases, 'bytes'>) => {
      const now = performance.now();
      phases[phase] = Math.round(now - last);
      last = now;
    };
    return this.resumeTimed(lastSequence, holds, lap, phases);
  }

  private async resumeTimed(lastSequence: number, holds: AnchorCheck, lap: (phase: Exclude<keyof ResumePhases, 'bytes'>) => void, phases: ResumePhases): Promise<ResumePoint> {
    let bytes: Uint8Array | null;
    try {
      bytes = await this.store.load(this.options.kind);
    } catch (error) {
      return { fromSequence: 1, snapshotSequence: null, reason: `snapshot store unreadable: ${(error as Error).message}` };
    }
    lap('load');
    if (!bytes) return { fromSequence: 1, snapshotSequence: null, reason: 'no snapshot saved' };
    phases.bytes = bytes.length;
    // Whoever can write the bucket could plant any state: nothing is read from a snapshot whose MAC does not check.
    const opened = openSnapshot(this.options.keys, this.options.kind, bytes);
    lap('open');
    if (!opened.ok) return { fromSequence: 1, snapshotSequence: null, reason: opened.reason, refused: opened.refusal };
    const decoded = decodeSnapshot(opened.body, { kind: this.options.kind, stateVersion: this.projection.stateVersion, lastSequence });
    lap('decode');
    if (!decoded.ok) return { fromSequence: 1, snapshotSequence: null, reason: decoded.reason };
    if (decoded.header.sequence !== opened.sequence) return { fromSequence: 1, snapshotSequence: null, reason: `snapshot refused: signed for sequence ${opened.sequence}, says ${decoded.header.sequence}`, refused: 'bad_mac' };
    const { anchor } = decoded.header;
    try {
      if (anchor && !(await holds(anchor))) return { fromSequence: 1, snapshotSequence: null, reason: `the log does not hold event ${anchor.id} at sequence ${anchor.sequence}: the snapshot is of another log` };
    } catch (error) {
      return { fromSequence: 1, snapshotSequence: null, reason: `could not check the snapshot against the log: ${(error as Error).message}` };
    }
    lap('anchor');
    try {
      this.projection.restore(decoded.state);
    } catch (error) {
      return { fromSequence: 1, snapshotSequence: null, reason: `snapshot state rejected: ${(error as Error).message}` };
    }
    lap('restore');
    this.lastSaved = decoded.header.sequence;
    return { fromSequence: decoded.header.sequence + 1, snapshotSequence: decoded.header.sequence, ...(anchor ? { anchor } : {}) };
  }

  /** The follower applied `count` events. */
  applied(count = 1): void {
    this.schedule.applied(count);
  }

  /**
   * Whether a snapshot is due: by the events applied and the time (the schedule), or because the
   * follower at `position` has moved `everyEvents` sequences past the last snapshot, applied or
   * not (a follower of rare channels must not replay a long log of others' events at every start).
   */
  due(position = 0): boolean {
    const { everyEvents } = this.options.schedule;
    return this.schedule.due(this.now()) || (everyEvents > 0 && position - 1 - this.lastSaved >= everyEvents);
  }

  /**
   * Captures the projection at rest and writes it; answers the sequence saved, or null when
   * there was nothing new since the last one. One save at a time: a call during a save joins it.
   */
  save(atRest: AtRest): Promise<number | null> {
    this.saving ??= this.write(atRest).finally(() => (this.saving = undefined));
    return this.saving;
  }

  private async write(atRest: AtRest): Promise<number | null> {
    const pending = this.schedule.pending;
    const captured = await atRest((position, anchor) => {
      const sequence = position - 1;
      if (sequence <= this.lastSaved) return null;
      const body = encodeSnapshot({ kind: this.options.kind, stateVersion: this.projection.stateVersion, sequence, anchor, state: this.projection.snapshot() });
      return { sequence, bytes: sealSnapshot(this.options.keys, this.options.kind, sequence, body) };
    });
    if (!captured) {
      this.schedule.taken(this.now(), pending);
      return null;
    }
    await this.store.save(this.options.kind, captured.bytes);
    this.lastSaved = captured.sequence;
    this.schedule.taken(this.now(), pending);
    return captured.sequence;
  }
}
