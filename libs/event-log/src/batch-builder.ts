import type { EventEnvelope, NewEvent } from '@lighthouse/contracts';
import type { AppendInput, AppendOutcome } from './append-types';
import type { Keyring } from './keyring';
import type { IndexEntry, LogIndex } from './log-index';
import { EventTooLargeError } from './errors/event-too-large.error';
import { chainHmac, encodePayload, encodeRecord, RECORD_HEADER_BYTES } from './record-codec';

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
  readonly records: Buffer[] = [];
  readonly entries: Array<{ entry: IndexEntry; hmac: Buffer }> = [];
  private bytes = 0;
  private nextSequence: number;
  private head: Buffer;
  private readonly versions = new Map<string, number>();
  private readonly pendingIds = new Map<string, Known>();

  constructor(
    private readonly index: LogIndex,
    private readonly keyring: Keyring,
    private readonly limits: BatchLimits,
    private readonly placement: BatchPlacement,
  ) {
    this.nextSequence = index.lastSequence + 1;
    this.head = index.chainHead;
  }

  /** Takes `input` into the batch, or says it must wait for the next one, or rejects it. */
  admit(input: AppendInput): BatchAdmission {
    const known = input.events.map((event) => this.lookup(event.id));
    if (known.every((entry) => entry !== undefined)) return { kind: 'added', outcome: this.replay(known) };
    const stream = input.events[0]?.stream ?? '';
    const current = this.versionOf(stream);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
      return { kind: 'added', outcome: conflict(input.expectedVersion, current) };
    }
    const fresh = input.events.filter((_, position) => known[position] === undefined);
    const prepared = this.prepare(fresh, current);
    const rejection = this.checkSize(prepared);
    if (rejection) return rejection;
    this.take(prepared, stream);
    const sequences = input.events.map((event) => this.lookup(event.id)?.sequence ?? 0);
    const committed = prepared.map((item) => item.envelope);
    return { kind: 'added', outcome: { result: { status: 'committed', sequences, streamVersion: this.versionOf(stream) }, committed } };
  }

  private lookup(id: string): Known | undefined {
    const pending = this.pendingIds.get(id);
    if (pending) return pending;
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
    if (this.records.length > 0 && this.bytes + size > this.limits.maxBatchBytes) return { kind: 'full' };
    return undefined;
  }

  private take(prepared: Prepared[], stream: string): void {
    const keyId = this.keyring.activeKeyId;
    for (const { envelope, payload } of prepared) {
      const hmac = chainHmac(this.keyring, keyId, this.head, envelope.sequence, payload) as Buffer;
      const record = encodeRecord(keyId, hmac, payload);
      const entry: IndexEntry = {
        sequence: envelope.sequence,
        id: envelope.id,
        stream,
        streamVersion: envelope.streamVersion,
        segment: this.placement.segment,
        offset: this.placement.offset + this.bytes,
        size: record.length,
      };
      this.records.push(record);
      this.entries.push({ entry, hmac });
      this.pendingIds.set(envelope.id, { sequence: envelope.sequence, streamVersion: envelope.streamVersion });
      this.bytes += record.length;
      this.head = hmac;
      this.nextSequence += 1;
    }
    this.versions.set(stream, this.versionOf(stream) + prepared.length);
  }
}

function conflict(expectedVersion: number, actualVersion: number): AppendOutcome {
  return { result: { status: 'conflict', expectedVersion, actualVersion }, committed: [] };
}
