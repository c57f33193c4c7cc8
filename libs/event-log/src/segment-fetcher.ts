import type { EventEnvelope } from '@lighthouse/contracts';
import type { LogIndex } from './log-index';
import type { ParallelVerifier } from './parallel-verifier';
import type { RecordFetcher } from './log-reader';
import type { SegmentReader, Span } from './segment-reader';
import { RecordVerificationError } from './errors/record-verification.error';
import { decodePayload, GENESIS_HMAC, HMAC_BYTES, HMAC_OFFSET, parseRecord } from './record-codec';

/** Records from the segment files, each checked against its predecessor's HMAC on a worker thread. */
export class SegmentFetcher implements RecordFetcher {
  constructor(
    private readonly index: LogIndex,
    private readonly segments: SegmentReader,
    private readonly verifier: ParallelVerifier,
  ) {}

  /** The envelopes at `sequences`, each verified against the chain. */
  async fetch(sequences: readonly number[]): Promise<EventEnvelope[]> {
    const bytes = await this.segments.read(this.spansOf(sequences));
    let cursor = 0;
    const checks = sequences.map((sequence) => {
      const record = parseRecord(bytes[cursor] as Buffer, 0);
      if (record.kind !== 'record' || record.size !== (bytes[cursor++] as Buffer).length) {
        throw new RecordVerificationError(sequence, `record ${sequence} is no longer well-formed on disk`);
      }
      const previous = sequence > 1 ? (bytes[cursor++] as Buffer) : GENESIS_HMAC;
      return { keyId: record.keyId, previous, sequence, payload: record.payload, hmac: record.hmac };
    });
    // Decode here while the worker checks HMACs; nothing decoded is returned unless it verifies.
    const verdicts = this.verifier.check(checks);
    const envelopes = checks.map((check) => tryDecode(check.payload));
    const valid = await verdicts;
    return checks.map((check, i) => verified(check.sequence, valid[i] === 1, envelopes[i]));
  }

  /** Stops the verification worker. */
  close(): Promise<void> {
    return this.verifier.close();
  }

  /** Each record, followed by the HMAC field of its predecessor (the first record has none). */
  private spansOf(sequences: readonly number[]): Span[] {
    const spans: Span[] = [];
    for (const sequence of sequences) {
      const location = this.index.location(sequence);
      if (!location) throw new RecordVerificationError(sequence, `sequence ${sequence} is not in the log`);
      spans.push({ segment: location.segment, offset: location.offset, length: location.size });
      const previous = sequence > 1 ? this.index.location(sequence - 1) : undefined;
      if (previous) spans.push({ segment: previous.segment, offset: previous.offset + HMAC_OFFSET, length: HMAC_BYTES });
    }
    return spans;
  }
}

/** The envelope in a payload, or undefined when it does not decode. */
export function tryDecode(payload: Buffer): EventEnvelope | undefined {
  try {
    return decodePayload(payload);
  } catch {
    return undefined;
  }
}

/** The envelope, once its HMAC verified and it decodes to the event at `sequence`; throws otherwise. */
export function verified(sequence: number, valid: boolean, envelope: EventEnvelope | undefined): EventEnvelope {
  if (!valid) throw new RecordVerificationError(sequence, `record ${sequence} fails HMAC verification: the log was modified`);
  if (envelope?.sequence !== sequence) {
    throw new RecordVerificationError(sequence, `record ${sequence} does not decode to the event at that sequence`);
  }
  return envelope;
}

