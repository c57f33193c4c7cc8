import type { EventEnvelope } from '@lighthouse/contracts';
import type { Keyring } from '../keyring';
import type { RecordFetcher } from '../log-reader';
import type { RecordStore } from './record-store.port';
import type { ChainPosition, VerifiedRecord } from './chain-position';
import { LogIndex, type IndexEntry } from '../log-index';
import { RecordVerificationError } from '../errors/record-verification.error';
import { LogCorruptedError } from '../errors/log-corrupted.error';
import { GENESIS_HMAC, HMAC_BYTES, chainHmac, parseRecord, sameHmac } from '../record-codec';
import { tryDecode, verified } from '../segment-fetcher';
import { walkChain } from './chain-position';

/**
 * What a writer knows of the replicated log: the index (stream versions, event ids, sizes) and
 * every record's HMAC, so a read verifies each record against its predecessor without fetching
 * it. Rebuilt from the store at open and brought up to date whenever another writer appended.
 */
export class ReplicatedState implements RecordFetcher {
  readonly index = new LogIndex();
  /** HMAC of record n at [(n-1)*32, n*32). */
  private hmacs = Buffer.alloc(64 * HMAC_BYTES);

  constructor(
    private readonly store: RecordStore,
    private readonly keyring: Keyring,
  ) {}

  get position(): ChainPosition {
    return { lastSequence: this.index.lastSequence, chainHead: this.index.chainHead };
  }

  /** Reads what the store holds past the index, verifying each link; throws LogCorruptedError on a broken chain. */
  async catchUp(): Promise<number> {
    const before = this.index.lastSequence;
    const { problem, endedEarly } = await walkChain(this.store, this.keyring, this.position, (record) => this.add(record));
    // A read that stopped short is tried again (a writer must not halt for an election); a link
    // that does not verify is corruption.
    if (problem && endedEarly) throw new Error(`reading ${this.store.name} stopped before its end: ${problem.message}`);
    if (problem) throw new LogCorruptedError([problem]);
    return this.index.lastSequence - before;
  }

  /** Adds a record this writer appended (or verified). */
  add(record: VerifiedRecord): void {
    const { envelope } = record;
    this.addEntry({ sequence: record.sequence, id: envelope.id, stream: envelope.stream, streamVersion: envelope.streamVersion, segment: 0, offset: 0, size: record.size }, record.hmac);
  }

  addEntry(entry: IndexEntry, hmac: Buffer): void {
    this.index.add(entry, hmac);
    const at = (entry.sequence - 1) * HMAC_BYTES;
    if (at + HMAC_BYTES > this.hmacs.length) {
      const grown = Buffer.alloc(this.hmacs.length * 2);
      this.hmacs.copy(grown);
      this.hmacs = grown;
    }
    hmac.copy(this.hmacs, at);
  }

  hmacAt(sequence: number): Buffer {
    if (sequence === 0) return GENESIS_HMAC;
    return this.hmacs.subarray((sequence - 1) * HMAC_BYTES, sequence * HMAC_BYTES);
  }

  /** The envelopes at `sequences`, each checked against its predecessor's HMAC and its own. */
  async fetch(sequences: readonly number[]): Promise<EventEnvelope[]> {
    const stored = await this.store.get(sequences);
    return sequences.map((sequence, i) => {
      const bytes = stored[i]?.bytes;
      if (!bytes || sequence > this.index.lastSequence) throw new RecordVerificationError(sequence, `record ${sequence} is missing from ${this.store.name}`);
      const record = parseRecord(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
      if (record.kind !== 'record') throw new RecordVerificationError(sequence, `record ${sequence} is no longer well-formed in ${this.store.name}`);
      const mac = chainHmac(this.keyring, record.keyId, this.hmacAt(sequence - 1), sequence, record.payload);
      const valid = sameHmac(mac, record.hmac) && sameHmac(this.hmacAt(sequence), record.hmac);
      return verified(sequence, valid, tryDecode(record.payload));
    });
  }

  async close(): Promise<void> {
    // Nothing to stop: the store's connection belongs to whoever opened it.
  }
}
