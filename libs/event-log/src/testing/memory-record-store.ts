import type { RecordStore, StoredRecord } from '../replicated/record-store.port';
import { FencedAppendError } from '../replicated/record-store.port';

/**
 * An in-memory engine with the fencing rule of a real one (an append lands only on the expected
 * last position), for the domain tests; the real engine (JetStream) is tested in the event store.
 * `failNext` makes the next appends fail after storing a prefix, as a node lost mid-batch does.
 */
export class MemoryRecordStore implements RecordStore {
  readonly name = 'memory:test';
  /** Position → bytes; a removed record leaves its position empty, as in JetStream. */
  readonly records = new Map<number, Uint8Array>();
  last = 0;
  checkpoint: Uint8Array | undefined;
  failNext: { afterStoring: number } | undefined;
  appends = 0;

  async lastSequence(): Promise<number> {
    return this.last;
  }

  async append(records: readonly Uint8Array[], expectedLastSequence: number): Promise<void> {
    this.appends += 1;
    if (expectedLastSequence !== this.last) throw new FencedAppendError(`wrong last sequence: ${this.last}`);
    const failure = this.failNext;
    this.failNext = undefined;
    const count = failure ? Math.min(failure.afterStoring, records.length) : records.length;
    for (let i = 0; i < count; i++) this.records.set(++this.last, records[i] as Uint8Array);
    if (failure) throw new Error('node lost: no acknowledgement');
  }

  async *range(fromSequence: number, toSequence: number): AsyncIterable<StoredRecord> {
    for (let sequence = fromSequence; sequence <= toSequence; sequence++) {
      const bytes = this.records.get(sequence);
      if (bytes) yield { sequence, bytes };
    }
  }

  async get(sequences: readonly number[]): Promise<Array<StoredRecord | undefined>> {
    return sequences.map((sequence) => {
      const bytes = this.records.get(sequence);
      return bytes ? { sequence, bytes } : undefined;
    });
  }

  async readCheckpoint(): Promise<Uint8Array | undefined> {
    return this.checkpoint;
  }

  async writeCheckpoint(bytes: Uint8Array): Promise<void> {
    this.checkpoint = bytes;
  }
}
