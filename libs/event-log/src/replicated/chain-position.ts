import type { EventEnvelope } from '@lighthouse/contracts';
import type { Keyring } from '../keyring';
import type { LogProblem } from '../log-problem';
import type { RecordStore, StoredRecord } from './record-store.port';
import { chainHmac, decodePayload, parseRecord, sameHmac } from '../record-codec';

/** Where a verified chain ends: its last sequence and that record's HMAC. */
export interface ChainPosition {
  lastSequence: number;
  chainHead: Buffer;
}

/** A record that verified as the next link of the chain. */
export interface VerifiedRecord {
  sequence: number;
  hmac: Buffer;
  envelope: EventEnvelope;
  size: number;
}

/**
 * Checks that `stored` is the link after `position`: at the next position, well formed, signed
 * with a known key, its HMAC over the previous one, and its payload the event of that sequence.
 * Answers the verified record or the problem found (located in `storeName`).
 */
export function verifyNext(keyring: Keyring, position: ChainPosition, stored: StoredRecord, storeName: string): VerifiedRecord | LogProblem {
  const expected = position.lastSequence + 1;
  const problem = (kind: LogProblem['kind'], message: string): LogProblem => ({ kind, severity: 'error', segment: storeName, offset: stored.sequence, sequence: expected, message });
  if (stored.sequence !== expected) return problem('sequence_gap', `expected sequence ${expected}, found position ${stored.sequence}: a record was removed or reordered`);
  const bytes = Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.byteLength);
  const record = parseRecord(bytes, 0);
  if (record.kind !== 'record' || record.size !== bytes.length) return problem('bad_length', `record ${expected} is not one well-formed record`);
  if (!keyring.has(record.keyId)) return problem('unknown_key', `record ${expected} is signed with unknown key id ${record.keyId}`);
  const mac = chainHmac(keyring, record.keyId, position.chainHead, expected, record.payload);
  if (!sameHmac(mac, record.hmac)) return problem('hmac_mismatch', `record ${expected} fails HMAC verification: edited, reordered or not of this log`);
  let envelope: EventEnvelope;
  try {
    envelope = decodePayload(record.payload);
  } catch {
    return problem('bad_payload', `record ${expected} does not decode to an event`);
  }
  if (envelope.sequence !== expected) return problem('bad_payload', `record ${expected} holds the event of sequence ${envelope.sequence}`);
  return { sequence: expected, hmac: Buffer.from(record.hmac), envelope, size: record.size };
}

/** Positions asked of the store's current copy at once when a range read stopped short. */
const TOP_UP_CHUNK = 256;

/**
 * Walks the store from `from` to its end (or `to`), verifying each link; calls `visit` for each
 * verified record. Stops at the first problem and answers it with the verified prefix's end.
 *
 * The range read may be served by a replica that is behind (on JetStream the reader is an
 * ephemeral consumer placed on any peer of the stream, and a node that just restarted holds only
 * what it has caught up on): when it ends before the end the store reported, the rest is asked by
 * position of the store's current copy (`get`, answered by the stream leader), so a lagging
 * replica never holds a new writer short of the signed checkpoint.
 */
export async function walkChain(
  store: RecordStore,
  keyring: Keyring,
  from: ChainPosition,
  visit: (record: VerifiedRecord) => void,
  to?: number,
): Promise<{ position: ChainPosition; problem?: LogProblem; endedEarly?: boolean; toppedUp?: number }> {
  const last = to ?? (await store.lastSequence());
  let position = from;
  if (last <= position.lastSequence) return { position };
  const step = (stored: StoredRecord): LogProblem | undefined => {
    const next = verifyNext(keyring, position, stored, store.name);
    if ('kind' in next) return next;
    visit(next);
    position = { lastSequence: next.sequence, chainHead: next.hmac };
    return undefined;
  };
  for await (const stored of store.range(position.lastSequence + 1, last)) {
    const problem = step(stored);
    if (problem) return { position, problem };
  }
  const rangeEnd = position.lastSequence;
  for (const chunk of positionsAfter(rangeEnd, last, TOP_UP_CHUNK)) {
    for (const stored of await store.get(chunk)) {
      const problem = stored ? step(stored) : undefined;
      if (problem) return { position, problem, toppedUp: position.lastSequence - rangeEnd };
    }
  }
  const toppedUp = position.lastSequence - rangeEnd;
  if (position.lastSequence < last) {
    const missing = position.lastSequence + 1;
    // Even the current copy ends before the end the store reported: records gone, or an engine
    // without a leader right now; the caller decides which it can tell apart.
    return { position, endedEarly: true, toppedUp, problem: { kind: 'sequence_gap', severity: 'error', segment: store.name, offset: missing, sequence: missing, message: `records ${missing}-${last} are missing from the store` } };
  }
  return toppedUp > 0 ? { position, toppedUp } : { position };
}

/** The positions after `after` up to `last`, in chunks of at most `size`. */
export function positionsAfter(after: number, last: number, size: number): number[][] {
  const chunks: number[][] = [];
  for (let from = after + 1; from <= last; from += size) {
    chunks.push(Array.from({ length: Math.min(size, last - from + 1) }, (_, i) => from + i));
  }
  return chunks;
}
