import { IdTable } from './id-table';
import { GENESIS_HMAC } from './record-codec';

/** Where a record lives. */
export interface RecordLocation {
  segment: number;
  offset: number;
  size: number;
}

/** What the index keeps of each committed record. */
export interface IndexEntry extends RecordLocation {
  sequence: number;
  id: string;
  stream: string;
  streamVersion: number;
}

/**
 * In-memory indexes of the committed log, rebuilt at open: sequence → location, stream →
 * sequences, event id → sequence. Columns are typed arrays indexed by `sequence - 1` (grown by
 * doubling), and ids live in an {@link IdTable}: the garbage collector has no object per
 * committed event to trace or copy, however long the log.
 */
export class LogIndex {
  private segments = new Uint32Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private sizes = new Uint32Array(INITIAL_CAPACITY);
  private versions = new Float64Array(INITIAL_CAPACITY);
  private count = 0;
  private readonly streams = new Map<string, number[]>();
  private readonly ids = new IdTable();
  private head: Buffer = GENESIS_HMAC;

  get lastSequence(): number {
    return this.count;
  }

  /** HMAC of the last committed record (32 zero bytes for an empty log). */
  get chainHead(): Buffer {
    return this.head;
  }

  /** Appends the next record; sequences must arrive gapless and in order. */
  add(entry: IndexEntry, hmac: Buffer): void {
    this.addRecord(entry.sequence, entry.id, entry.stream, entry.streamVersion, entry.segment, entry.offset, entry.size);
    this.head = hmac;
  }

  /** {@link add} without an entry object and without moving the chain head (see {@link advanceHead}). */
  addRecord(sequence: number, id: string, stream: string, streamVersion: number, segment: number, offset: number, size: number): void {
    if (sequence !== this.count + 1) {
      throw new Error(`index expects sequence ${this.count + 1}, got ${sequence}`);
    }
    if (segment > MAX_U32 || offset > MAX_U32 || size > MAX_U32) {
      throw new Error(`record ${sequence} lies beyond what the index can hold (segment ${segment}, offset ${offset}, size ${size})`);
    }
    if (this.count === this.segments.length) this.grow();
    const at = this.count;
    this.segments[at] = segment;
    this.offsets[at] = offset;
    this.sizes[at] = size;
    this.versions[at] = streamVersion;
    this.count = at + 1;
    const sequences = this.streams.get(stream);
    if (sequences) sequences.push(sequence);
    else this.streams.set(stream, [sequence]);
    this.ids.set(id, sequence);
  }

  /** Sets the chain head to the HMAC of the last record added. */
  advanceHead(hmac: Buffer): void {
    this.head = hmac;
  }

  location(sequence: number): RecordLocation | undefined {
    if (!(sequence >= 1 && sequence <= this.count)) return undefined;
    const at = sequence - 1;
    return { segment: this.segments[at] as number, offset: this.offsets[at] as number, size: this.sizes[at] as number };
  }

  sequenceOfId(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** Stream version of the record at `sequence` (0 when out of range). */
  versionAt(sequence: number): number {
    return sequence >= 1 && sequence <= this.count ? (this.versions[sequence - 1] as number) : 0;
  }

  /** Current version of `stream`: how many events it holds (0 for an unknown stream). */
  streamVersion(stream: string): number {
    return this.streams.get(stream)?.length ?? 0;
  }

  /** Sequences of `stream`, ascending. */
  streamSequences(stream: string): readonly number[] {
    return this.streams.get(stream) ?? [];
  }

  private grow(): void {
    const capacity = this.segments.length * 2;
    this.segments = grown(new Uint32Array(capacity), this.segments);
    this.offsets = grown(new Uint32Array(capacity), this.offsets);
    this.sizes = grown(new Uint32Array(capacity), this.sizes);
    this.versions = grown(new Float64Array(capacity), this.versions);
  }
}

const INITIAL_CAPACITY = 1024;
const MAX_U32 = 0xffffffff;

function grown<T extends Uint32Array | Float64Array>(into: T, from: T): T {
  into.set(from);
  return into;
}
