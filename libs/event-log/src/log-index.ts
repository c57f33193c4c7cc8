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
 * sequences, event id → sequence. Columns are plain arrays indexed by `sequence - 1`.
 */
export class LogIndex {
  private readonly segments: number[] = [];
  private readonly offsets: number[] = [];
  private readonly sizes: number[] = [];
  private readonly versions: number[] = [];
  private readonly streams = new Map<string, number[]>();
  private readonly ids = new Map<string, number>();
  private head: Buffer = GENESIS_HMAC;

  get lastSequence(): number {
    return this.segments.length;
  }

  /** HMAC of the last committed record (32 zero bytes for an empty log). */
  get chainHead(): Buffer {
    return this.head;
  }

  /** Appends the next record; sequences must arrive gapless and in order. */
  add(entry: IndexEntry, hmac: Buffer): void {
    if (entry.sequence !== this.lastSequence + 1) {
      throw new Error(`index expects sequence ${this.lastSequence + 1}, got ${entry.sequence}`);
    }
    this.segments.push(entry.segment);
    this.offsets.push(entry.offset);
    this.sizes.push(entry.size);
    this.versions.push(entry.streamVersion);
    const sequences = this.streams.get(entry.stream);
    if (sequences) sequences.push(entry.sequence);
    else this.streams.set(entry.stream, [entry.sequence]);
    this.ids.set(entry.id, entry.sequence);
    this.head = hmac;
  }

  location(sequence: number): RecordLocation | undefined {
    const segment = this.segments[sequence - 1];
    if (segment === undefined) return undefined;
    return { segment, offset: this.offsets[sequence - 1] ?? 0, size: this.sizes[sequence - 1] ?? 0 };
  }

  sequenceOfId(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** Stream version of the record at `sequence` (0 when out of range). */
  versionAt(sequence: number): number {
    return this.versions[sequence - 1] ?? 0;
  }

  /** Current version of `stream`: how many events it holds (0 for an unknown stream). */
  streamVersion(stream: string): number {
    return this.streams.get(stream)?.length ?? 0;
  }

  /** Sequences of `stream`, ascending. */
  streamSequences(stream: string): readonly number[] {
    return this.streams.get(stream) ?? [];
  }
}
