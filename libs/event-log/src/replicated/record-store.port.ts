/** One record as a replicated engine holds it: its position and the record's bytes. */
export interface StoredRecord {
  /** The engine's own position of the record; the log requires it to equal the event's sequence. */
  sequence: number;
  /** `[u32 payload length][u16 key id][32-byte HMAC][payload]`, as in a segment file. */
  bytes: Uint8Array;
}

/** A record and its id: the hex of its HMAC, unique to its content and its place in the chain. */
export interface RecordToAppend {
  id: string;
  bytes: Uint8Array;
}

/** The end of the chain a writer appends after: the last position and the id of the record there ('' when empty). */
export interface ChainTip {
  sequence: number;
  id: string;
}

/**
 * What the replicated log needs of an engine (JetStream, or an in-memory one in tests): an
 * ordered store of records whose positions are the log's sequences, with an append fenced by the
 * last position, so that two writers can never both extend the same chain.
 */
export interface RecordStore {
  /** Names the store in reports and problems (e.g. `jetstream:LH_EVENTS`). */
  readonly name: string;
  /** Position of the last record held (0 when empty). */
  lastSequence(): Promise<number>;
  /**
   * Appends `records` after `tip`. Each record must land only directly after its predecessor:
   * the store's last position is the one expected AND its last record is the one expected (by
   * id). Fencing by position alone is not enough when records are sent pipelined: after a
   * refused record, the next one would find the position it expects, taken by another writer's
   * record, and fork the chain. Rejects with {@link FencedAppendError} when refused; any rejection
   * may leave a prefix of the records stored: the caller reads the store again.
   */
  append(records: readonly RecordToAppend[], tip: ChainTip): Promise<void>;
  /**
   * The records from `fromSequence` to `toSequence` inclusive, in order (a removed one is absent).
   * May be served by any replica, one that is behind included: it may end early (the log then
   * asks `get` for the rest).
   */
  range(fromSequence: number, toSequence: number): AsyncIterable<StoredRecord>;
  /**
   * The records at `sequences`, in that order; undefined for a position that holds none. Answered
   * by the store's current copy (on JetStream the stream leader), never by a replica behind it.
   */
  get(sequences: readonly number[]): Promise<Array<StoredRecord | undefined>>;
  /** The signed checkpoint bytes (see checkpoint.ts), or undefined when none was written; from the current copy, as `get`. */
  readCheckpoint(): Promise<Uint8Array | undefined>;
  writeCheckpoint(bytes: Uint8Array): Promise<void>;
}

/** The store's last position was not the expected one: another writer appended first. */
export class FencedAppendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FencedAppendError';
  }
}
