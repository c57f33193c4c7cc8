import type { EventEnvelope, NewEvent } from '@lighthouse/contracts';
import type { AppendInput, AppendOutcome } from './append-types';
import type { Keyring } from './keyring';
import type { IndexEntry, LogIndex } from './log-index';
import { EventTooLargeError } from './errors/event-too-large.error';
import { encodePayload, HMAC_BYTES, HMAC_OFFSET, RECORD_HEADER_BYTES, writeRecordHeader } from './record-codec';

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

/** Answer of {@link BatchBuilder.admit} when the append must wait for the next batch. */
export const BATCH_FULL = 'full';

/**
 * What happened to one append offered to the batch: its outcome (committed once the batch is
 * durable, a conflict, or a retry of stored ids), {@link BATCH_FULL}, or the error it is rejected with.
 */
export type BatchAdmission = AppendOutcome | typeof BATCH_FULL | Error;

const INITIAL_BATCH_BUFFER_BYTES = 256 * 1024;

interface Known {
  sequence: number;
  streamVersion: number;
}

/**
 * Turns queued appends into the records of one group commit. It sees the committed index plus
 * what it already took into this batch, so versions, conflicts and duplicate ids account for
 * appends queued ahead. Nothing here touches the index: {@link addToIndex} does, after fsync.
 *
 * Per record it keeps only what the answer needs anyway (the envelope) and two numbers: the
 * HMAC is computed straight into the batch buffer and chained from there, no index entry object
 * or HMAC Buffer is made per record, so little survives the young generation while the batch
 * waits for its fsync.
 */
export class BatchBuilder {
  /** The envelopes of the records taken, in order (sequence `firstSequence + i`). */
  readonly records: EventEnvelope[] = [];
  /** Offset of each record in the batch, and the batch's end after the last. */
  private readonly ends: number[] = [];
  /** The records are written straight into one growing buffer: no per-record buffer, no concat. */
  private buffer = Buffer.allocUnsafe(INITIAL_BATCH_BUFFER_BYTES);
  private bytes = 0;
  private readonly firstSequence: number;
  private nextSequence: number;
  /** HMAC of the last record taken: the committed head, then a latin1 string of its 32 bytes. */
  private head: Buffer | string;
  private readonly versions = new Map<string, number>();
  /** Event id → sequence, for ids taken into this batch. */
  private readonly pendingIds = new Map<string, number>();
  private readonly keyId: number;

  constructor(
    private readonly index: LogIndex,
    private readonly keyring: Keyring,
    private readonly limits: BatchLimits,
    private readonly placement: BatchPlacement,
  ) {
    this.nextSequence = index.lastSequence + 1;
    this.firstSequence = this.nextSequence;
    this.head = index.chainHead;
    this.keyId = keyring.activeKeyId;
  }

  /** The batch's bytes, ready for one write. */
  get bytesToWrite(): Buffer {
    return this.buffer.subarray(0, this.bytes);
  }

  get recordCount(): number {
    return this.records.length;
  }

  /** Offset of record `i` within the batch. */
  offsetOf(i: number): number {
    return i === 0 ? 0 : (this.ends[i - 1] as number);
  }

  /** Stored size of record `i` (header and payload). */
  sizeOf(i: number): number {
    return (this.ends[i] as number) - this.offsetOf(i);
  }

  /** HMAC of record `i`, copied out of the batch. */
  hmacOf(i: number): Buffer {
    const at = this.offsetOf(i) + HMAC_OFFSET;
    return Buffer.from(this.buffer.subarray(at, at + HMAC_BYTES));
  }

  /** The index entry of record `i`. */
  entryOf(i: number): IndexEntry {
    const envelope = this.records[i] as EventEnvelope;
    return {
      sequence: envelope.sequence,
      id: envelope.id,
      stream: envelope.stream,
      streamVersion: envelope.streamVersion,
      segment: this.placement.segment,
      offset: this.placement.offset + this.offsetOf(i),
      size: this.sizeOf(i),
    };
  }

  /** Adds every record of the batch to `index` (once the batch is durable). */
  addToIndex(index: LogIndex): void {
    const { records, placement } = this;
    if (records.length === 0) return;
    let offset = placement.offset;
    for (let i = 0; i < records.length; i++) {
      const envelope = records[i] as EventEnvelope;
      const end = placement.offset + (this.ends[i] as number);
      index.addRecord(envelope.sequence, envelope.id, envelope.stream, envelope.streamVersion, placement.segment, offset, end - offset);
      offset = end;
    }
    index.advanceHead(this.hmacOf(records.length - 1));
  }

  /** Takes `input` into the batch, or says it must wait for the next one, or rejects it. */
  admit(input: AppendInput): BatchAdmission {
    const { events } = input;
    if (events.length === 1) return this.admitOne(events[0] as NewEvent, input.expectedVersion);
    // One index lookup per id; `known` is only allocated when an id is stored already (a retry).
    let known: Array<Known | undefined> | undefined;
    let knownCount = 0;
    for (let position = 0; position < events.length; position++) {
      const entry = this.lookup((events[position] as NewEvent).id);
      if (entry === undefined) continue;
      (known ??= new Array<Known | undefined>(events.length))[position] = entry;
      knownCount++;
    }
    if (known && knownCount === events.length) return this.replay(known as Known[]);
    const stream = events[0]?.stream ?? '';
    const current = this.versionOf(stream);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current) return conflict(input.expectedVersion, current);
    const fresh = known ? events.filter((_, position) => known[position] === undefined) : events;
    const envelopes = fresh.map((event, position) => this.envelopeOf(event, this.nextSequence + position, current + position + 1));
    const payloads = envelopes.map(encodePayload);
    const refusal = this.refusal(envelopes, payloads);
    if (refusal !== undefined) return refusal;
    for (let i = 0; i < envelopes.length; i++) this.take(envelopes[i] as EventEnvelope, payloads[i] as Buffer);
    this.versions.set(stream, current + envelopes.length);
    const sequences = new Array<number>(events.length);
    let next = 0;
    for (let position = 0; position < events.length; position++) {
      const stored = known?.[position];
      sequences[position] = stored ? stored.sequence : (envelopes[next++] as EventEnvelope).sequence;
    }
    return { result: { status: 'committed', sequences, streamVersion: current + envelopes.length }, committed: envelopes };
  }

  /** The common append of one event, without the arrays of the general case. */
  private admitOne(event: NewEvent, expectedVersion: number | undefined): BatchAdmission {
    const stored = this.lookup(event.id);
    if (stored !== undefined) return { result: { status: 'committed', sequences: [stored.sequence], streamVersion: stored.streamVersion }, committed: [] };
    const { stream } = event;
    const current = this.versionOf(stream);
    if (expectedVersion !== undefined && expectedVersion !== current) return conflict(expectedVersion, current);
    const envelope = this.envelopeOf(event, this.nextSequence, current + 1);
    const payload = encodePayload(envelope);
    const refusal = this.refusal([envelope], [payload]);
    if (refusal !== undefined) return refusal;
    this.take(envelope, payload);
    this.versions.set(stream, current + 1);
    return { result: { status: 'committed', sequences: [envelope.sequence], streamVersion: current + 1 }, committed: [envelope] };
  }

  private lookup(id: string): Known | undefined {
    const pending = this.pendingIds.size === 0 ? undefined : this.pendingIds.get(id);
    if (pending !== undefined) return { sequence: pending, streamVersion: (this.records[pending - this.firstSequence] as EventEnvelope).streamVersion };
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

  private envelopeOf(event: NewEvent, sequence: number, streamVersion: number): EventEnvelope {
    // Spelled out rather than spread: fixes the stored key order and is much faster.
    return {
      id: event.id,
      type: event.type,
      stream: event.stream,
      agent: event.agent,
      correlationId: event.correlationId,
      causationId: event.causationId,
      schemaVersion: event.schemaVersion,
      data: event.data,
      sequence,
      streamVersion,
      time: this.placement.time,
    };
  }

  /** Why the append cannot join: an event or the append too large, or this batch full. */
  private refusal(envelopes: readonly EventEnvelope[], payloads: readonly Buffer[]): typeof BATCH_FULL | Error | undefined {
    let size = 0;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i] as Buffer;
      if (payload.length > this.limits.maxEventBytes) {
        return new EventTooLargeError(`event ${(envelopes[i] as EventEnvelope).id} encodes to ${payload.length} bytes, over the ${this.limits.maxEventBytes}-byte limit`);
      }
      size += RECORD_HEADER_BYTES + payload.length;
    }
    if (size > this.limits.maxBatchBytes) return new EventTooLargeError(`append of ${size} bytes exceeds the ${this.limits.maxBatchBytes}-byte batch limit`);
    if (this.records.length > 0 && this.bytes + size > this.limits.maxBatchBytes) return BATCH_FULL;
    return undefined;
  }

  private take(envelope: EventEnvelope, payload: Buffer): void {
    const mac = this.keyring.link(this.keyId, this.head, envelope.sequence, payload) as string;
    const offset = this.bytes;
    const size = RECORD_HEADER_BYTES + payload.length;
    this.reserve(size);
    writeRecordHeader(this.buffer, offset, payload.length, this.keyId, mac);
    this.buffer.set(payload, offset + RECORD_HEADER_BYTES);
    this.records.push(envelope);
    this.bytes = offset + size;
    this.ends.push(this.bytes);
    this.pendingIds.set(envelope.id, envelope.sequence);
    this.head = mac;
    this.nextSequence += 1;
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
