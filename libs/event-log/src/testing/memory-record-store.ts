import type { ChainTip, RecordStore, RecordToAppend, StoredRecord } from '../replicated/record-store.port';
import { HMAC_BYTES, HMAC_OFFSET } from '../record-codec';
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
  /** Another writer's record landing just before record `beforeRecord` of the next append. */
  intrude: { beforeRecord: number; bytes: Uint8Array } | undefined;
  appends = 0;
  /** The next `times` reads stop after `after` records, as a read cut short by a leader election does. */
  cutReads: { after: number; times: number } | undefined;
  /**
   * Range reads are served by a replica that holds records only up to this position (a node
   * restarted and not caught up), however often they are tried; `get` answers from the leader.
   */
  replicaEndsAt: number | undefined;
  rangeReads = 0;
  gets = 0;

  async lastSequence(): Promise<number> {
    return this.last;
  }

  async append(records: readonly RecordToAppend[], tip: ChainTip): Promise<void> {
    this.appends += 1;
    const failure = this.failNext;
    this.failNext = undefined;
    // Each record is judged on its own, as a pipelined engine does: at its turn, is the store's
    // end the position and the record it expects?
    let refused: Error | undefined;
    for (let i = 0; i < records.length; i++) {
      if (this.intrude?.beforeRecord === i) this.records.set(++this.last, this.intrude.bytes);
      if (failure && i >= failure.afterStoring) {
        refused ??= new Error('node lost: no acknowledgement');
        continue;
      }
      const expected = i === 0 ? tip : { sequence: tip.sequence + i, id: (records[i - 1] as RecordToAppend).id };
      if (this.last !== expected.sequence || this.lastId() !== expected.id) {
        refused ??= new FencedAppendError(`wrong last sequence or record: ${this.last}`);
        continue;
      }
      this.records.set(++this.last, (records[i] as RecordToAppend).bytes);
    }
    this.intrude = undefined;
    if (refused) throw refused;
  }

  /** Id (HMAC hex) of the last record, '' when empty. */
  private lastId(): string {
    const bytes = this.records.get(this.last);
    return bytes ? Buffer.from(bytes.subarray(HMAC_OFFSET, HMAC_OFFSET + HMAC_BYTES)).toString('hex') : '';
  }

  async *range(fromSequence: number, toSequence: number): AsyncIterable<StoredRecord> {
    const cut = this.cutReads && this.cutReads.times > 0 ? this.cutReads : undefined;
    if (cut) cut.times -= 1;
    this.rangeReads += 1;
    let yielded = 0;
    for (let sequence = fromSequence; sequence <= Math.min(toSequence, this.replicaEndsAt ?? toSequence); sequence++) {
      if (cut && yielded === cut.after) return;
      const bytes = this.records.get(sequence);
      if (bytes) {
        yielded += 1;
        yield { sequence, bytes };
      }
    }
  }

  async get(sequences: readonly number[]): Promise<Array<StoredRecord | undefined>> {
    this.gets += 1;
    // While reads are cut short the engine has no leader: nothing answers by position either.
    if (this.cutReads && this.cutReads.times > 0) throw new Error('no stream leader (election)');
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
