import type { EventEnvelope, NewEvent } from '@lighthouse/contracts';
import type { AppendInput, AppendOutcome } from './append-types';
import type { Keyring } from './keyring';
import type { IndexEntry, LogIndex } from './log-index';
import { EventTooLargeError } from './errors/event-too-large.error';
import { chainHmac, encodePayload, RECORD_HEADER_BYTES, writeRecord } from './record-codec';

/** Size limits a batch enforces. */
export interface BatchLimits {
  maxEventBytes: number;
  maxBatchBytes: number;
}

/** Where the batch will land: the active segment and its current end. */
export interface BatchPlacement {
  segment: number;
  offset: number;
  time: string;
}

/** What happened to one append offered to the batch. */
export type BatchAdmission =
  | { kind: 'added'; outcome: AppendOutcome }
  | { kind: 'full' }
  | { kind: 'rejected'; error: Error };

const INITIAL_BATCH_BUFFER_BYTES = 256 * 1024;

interface Known {
  sequence: number;
  streamVersion: number;
}

interface Prepared {
  envelope: EventEnvelope;
  payload: Buffer;
}

/**
 * Turns queued appends into the records of one group commit. It sees the committed index plus
 * what it already took into this batch, so versions, conflicts and duplicate ids account for
 * appends queued ahead. Nothing here touches the index: that happens only after fsync.
 */
export class BatchBuilder {
  /** Index entries of the records taken, in order, and their HMACs (the same positions). */
  readonly entries: IndexEntry[] = [];
  readonly hmacs: Buffer[] = [];
  /** The records are written straight into one growing buffer: no per-record buffer, no concat. */
  private buffer = Buffer.allocUnsafe(INITIAL_BATCH_BUFFER_BYTES);
  private bytes = 0;
  private readonly firstSequence: number;
  private nextSequence: number;
  private head: Buffer;
  private readonly versions = new Map<string, number>();
  /** Event id → sequence, for ids taken into this batch. */
  private readonly pendingIds = new Map<string, number>();

  constructor(
    private readonly index: LogIndex,
    private readonly keyring: Keyring,
    private readonly limits: BatchLimits,
    private readonly placement: BatchPlacement,
  ) {
    this.nextSequence = index.lastSequence + 1;
    this.firstSequence = this.nextSequence;
    this.head = index.chainHead;
  }

  /** The batch's bytes, ready for one write. */
  get bytesToWrite(): Buffer {
    return this.buffer.subarray(0, this.bytes);
  }

  get recordCount(): number {
    return this.entries.length;
  }

  /** Takes `input` into the batch, or says it must wait for the next one, or rejects it. */
  admit(input: AppendInput): BatchAdmission {
    const { events } = input;
    // One index lookup per id; `known` is only allocated when an id is stored already (a retry).
    let known: Array<Known | undefined> | undefined;
    let knownCount = 0;
    for (let position = 0; position < events.length; position++) {
      const entry = this.lookup((events[position] as NewEvent).id);
      if (entry === undefined) continue;
      (known ??= new Array<Known | undefined>(events.length))[position] = entry;
      knownCount++;
    }
    if (known && knownCount === events.length) return { kind: 'added', outcome: this.replay(known as Known[]) };
    const stream = events[0]?.stream ?? '';
    const current = this.versionOf(stream);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
      return { kind: 'added', outcome: conflict(input.expectedVersion, current) };
    }
    const fresh = known ? events.filter((_, position) => known[position] === undefined) : events;
    const prepared = this.prepare(fresh, current);
    const rejection = this.checkSize(prepared);
    if (rejection) return rejection;
    this.take(prepared, stream);
    const sequences = new Array<number>(events.length);
    const committed = new Array<EventEnvelope>(prepared.length);
    let next = 0;
    for (let position = 0; position < events.length; position++) {
      const stored = known?.[position];
      if (stored) {
        sequences[position] = stored.sequence;
        continue;
      }
      const envelope = (prepared[next] as Prepared).envelope;
      committed[next++] = envelope;
      sequences[position] = envelope.sequence;
    }
    return { kind: 'added', outcome: { result: { status: 'committed', sequences, streamVersion: this.versionOf(stream) }, committed } };
  }

  private lookup(id: string): Known | undefined {
    const pending = this.pendingIds.get(id);
    if (pending !== undefined) return { sequence: pending, streamVersion: (this.entries[pending - this.firstSequence] as IndexEntry).streamVersion };
    const sequence = this.index.sequenceOfId(id);
    return sequence === undefined ? undefined : { sequence, streamVersion: this.index.versionAt(sequence) };
  }

  private versionOf(stream: string): number {
    return this.versions.get(stream) ?? this.index.streamVersion(stream);
  }

  /** A retry of ids that are all stored already: answer with their original positions. */
  private replay(known: Known[]): AppendOutcome {
    const streamVersion = Math.max(...known.map((entry) => entry.streamVersion));
    return { result: { status: 'committed', sequences: known.map((entry) => entry.sequence), streamVersion }, committed: [] };
  }

  private prepare(events: NewEvent[], current: number): Prepared[] {
    return events.map((event, position) => {
      // Spelled out rather than spread: fixes the stored key order and is much faster.
      const envelope: EventEnvelope = {
        id: event.id,
        type: event.type,
        stream: event.stream,
        agent: event.agent,
        correlationId: event.correlationId,
        causationId: event.causationId,
        schemaVersion: event.schemaVersion,
        data: event.data,
        sequence: this.nextSequence + position,
        streamVersion: current + position + 1,
        time: this.placement.time,
      };
      return { envelope, payload: encodePayload(envelope) };
    });
  }

  private checkSize(prepared: Prepared[]): BatchAdmission | undefined {
    const oversized = prepared.find((item) => item.payload.length > this.limits.maxEventBytes);
    if (oversized) {
      const message = `event ${oversized.envelope.id} encodes to ${oversized.payload.length} bytes, over the ${this.limits.maxEventBytes}-byte limit`;
      return { kind: 'rejected', error: new EventTooLargeError(message) };
    }
    const size = prepared.reduce((sum, item) => sum + RECORD_HEADER_BYTES + item.payload.length, 0);
    if (size > this.limits.maxBatchBytes) {
      return { kind: 'rejected', error: new EventTooLargeError(`append of ${size} bytes exceeds the ${this.limits.maxBatchBytes}-byte batch limit`) };
    }
    if (this.entries.length > 0 && this.bytes + size > this.limits.maxBatchBytes) return { kind: 'full' };
    return undefined;
  }

  private take(prepared: Prepared[], stream: string): void {
    const keyId = this.keyring.activeKeyId;
    for (const { envelope, payload } of prepared) {
      const hmac = chainHmac(this.keyring, keyId, this.head, envelope.sequence, payload) as Buffer;
      const offset = this.bytes;
      const size = RECORD_HEADER_BYTES + payload.length;
      this.reserve(size);
      writeRecord(this.buffer, offset, keyId, hmac, payload);
      this.entries.push({
        sequence: envelope.sequence,
        id: envelope.id,
        stream,
        streamVersion: envelope.streamVersion,
        segment: this.placement.segment,
        offset: this.placement.offset + offset,
        size,
      });
      this.hmacs.push(hmac);
      this.pendingIds.set(envelope.id, envelope.sequence);
      this.bytes += size;
      this.head = hmac;
      this.nextSequence += 1;
    }
    this.versions.set(stream, this.versionOf(stream) + prepared.length);
  }

  private reserve(size: number): void {
    if (this.bytes + size <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.bytes + size));
    this.buffer.copy(grown, 0, 0, this.bytes);
    this.buffer = grown;
  }
}

function conflict(expectedVersion: number, actualVersion: number): AppendOutcome {
  return { result: { status: 'conflict', expectedVersion, actualVersion }, committed: [] };
}
