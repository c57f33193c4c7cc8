import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';

/**
 * The envelope format this code writes: 2, the state's objects with named fields as msgpackr
 * records. It reads 1 (every object a map) as well; another one is ignored, never guessed at.
 */
export const SNAPSHOT_FORMAT = 2;
const READABLE_FORMATS: readonly number[] = [1, SNAPSHOT_FORMAT];

// The envelope: plain maps and arrays, no records, no extensions. It reads the state of either format.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number', variableMapSize: true });

/**
 * Whether an object is written as a record (its keys once per snapshot, where the same keys come
 * again: a projection's rows) or a map: objects keyed by data (ids, numbers: a search index's
 * postings and documents) stay maps, or every one of them would be a new record layout.
 */
function hasNamedFields(value: object): boolean {
  let keys = 0;
  for (const key in value) {
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || ++keys > 64) return false;
  }
  return true;
}

// The state: objects with named fields as records, defined inside each snapshot (no shared
// structures, so a snapshot decodes alone); written in format 2, read by `packr` above.
const statePackr = new Packr({ useRecords: hasNamedFields, mapsAsObjects: true, moreTypes: false, int64AsType: 'number', variableMapSize: true });

/** What a snapshot says about itself. */
export interface SnapshotHeader {
  format: number;
  /** The follower kind it belongs to (e.g. `delegation-router`). */
  kind: string;
  /** The version of the projection's state layout; a follower ignores one it does not read. */
  stateVersion: number;
  /** The log sequence it covers: every event at or below it is folded in. */
  sequence: number;
  takenAt: string;
  /** SHA-256 (hex) of the state bytes. */
  digest: string;
  bytes: number;
  /**
   * The last event the projection folded (its sequence and id), when any: a follower checks the
   * log still holds that event there before trusting the snapshot, so a snapshot taken over
   * another log (a bucket shared by mistake, a log rebuilt from scratch) is never loaded.
   */
  anchor: SnapshotAnchor | null;
}

/** One event of the log, by sequence and id. */
export interface SnapshotAnchor {
  sequence: number;
  id: string;
}

/** A decoded snapshot, or why it is not used (the follower then replays from sequence 1). */
export type DecodedSnapshot = { ok: true; header: SnapshotHeader; state: unknown } | { ok: false; reason: string };

/** What a follower expects of its snapshot. */
export interface SnapshotExpectation {
  kind: string;
  stateVersion: number;
  /** The log's last sequence: a snapshot past it belongs to another log (or a lost tail). */
  lastSequence: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** One snapshot as bytes: the header and the packed state, the state's digest in the header. */
export function encodeSnapshot(input: { kind: string; stateVersion: number; sequence: number; state: unknown; takenAt?: Date; anchor?: SnapshotAnchor | null }): Uint8Array {
  if (!Number.isSafeInteger(input.sequence) || input.sequence < 0) throw new RangeError(`snapshot sequence must be a whole number ≥ 0, got ${input.sequence}`);
  const state = statePackr.pack(input.state);
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    kind: input.kind,
    stateVersion: input.stateVersion,
    sequence: input.sequence,
    takenAt: (input.takenAt ?? new Date()).toISOString(),
    digest: sha256(state),
    bytes: state.length,
    anchor: input.anchor ?? null,
  };
  return packr.pack({ header, state });
}

/**
 * Reads a snapshot and checks it against what the follower expects: its format, kind and state
 * version, the digest of its state, and that it is not ahead of the log. Never throws: a snapshot
 * that does not pass is a reason, and the follower replays the log instead.
 */
export function decodeSnapshot(bytes: Uint8Array, expect: SnapshotExpectation): DecodedSnapshot {
  let outer: unknown;
  try {
    outer = packr.unpack(bytes);
  } catch (error) {
    return { ok: false, reason: `not a snapshot (${(error as Error).message})` };
  }
  const header = headerOf(outer);
  if (!header) return { ok: false, reason: 'not a snapshot (no header)' };
  if (!READABLE_FORMATS.includes(header.format)) return { ok: false, reason: `snapshot format ${header.format}, this follower reads ${READABLE_FORMATS.join(' and ')}` };
  if (header.kind !== expect.kind) return { ok: false, reason: `snapshot of ${header.kind}, not ${expect.kind}` };
  if (header.stateVersion !== expect.stateVersion) return { ok: false, reason: `snapshot state version ${header.stateVersion}, this follower reads ${expect.stateVersion}` };
  if (header.sequence > expect.lastSequence) return { ok: false, reason: `snapshot at sequence ${header.sequence} is ahead of the log (last ${expect.lastSequence})` };
  const state = (outer as { state?: unknown }).state;
  if (!(state instanceof Uint8Array) || state.length !== header.bytes || sha256(state) !== header.digest) return { ok: false, reason: 'snapshot state does not match its digest' };
  try {
    return { ok: true, header, state: packr.unpack(state) };
  } catch (error) {
    return { ok: false, reason: `snapshot state does not decode (${(error as Error).message})` };
  }
}

function headerOf(value: unknown): SnapshotHeader | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const header = (value as { header?: unknown }).header as Partial<SnapshotHeader> | undefined;
  if (header === null || typeof header !== 'object') return undefined;
  const { format, kind, stateVersion, sequence, takenAt, digest, bytes, anchor } = header;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!whole(format) || !whole(stateVersion) || !whole(sequence) || !whole(bytes)) return undefined;
  if (typeof kind !== 'string' || typeof takenAt !== 'string' || typeof digest !== 'string') return undefined;
  const anchored = anchor === null || anchor === undefined ? null : anchor;
  if (anchored !== null && (typeof anchored !== 'object' || !whole(anchored.sequence) || anchored.sequence > sequence || typeof anchored.id !== 'string')) return undefined;
  return { format, kind, stateVersion, sequence, takenAt, digest, bytes, anchor: anchored && { sequence: anchored.sequence, id: anchored.id } };
}
