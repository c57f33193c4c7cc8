import { timingSafeEqual } from 'node:crypto';
import { Packr } from 'msgpackr';
import type { EventEnvelope } from '@lighthouse/contracts';
import type { Keyring } from './keyring';

/** `[u32 payload length][u16 key id][32-byte HMAC]`, big-endian. */
export const RECORD_HEADER_BYTES = 38;
export const HMAC_BYTES = 32;
/** Offset of the HMAC inside a record. */
export const HMAC_OFFSET = 6;
/** The chain starts from 32 zero bytes. */
export const GENESIS_HMAC: Buffer = Buffer.alloc(HMAC_BYTES);
/**
 * Hard ceiling on a stored payload, independent of the configurable `maxEventBytes`, so a
 * corrupted length field is recognised as such instead of being read as a huge record.
 */
export const MAX_RECORD_PAYLOAD_BYTES = 64 * 1024 * 1024;

// Plain maps, no msgpackr records: the payload must decode without state from earlier records.
const packr = new Packr({ useRecords: false });

/** msgpack bytes of an envelope: what the HMAC covers and what is stored. */
export function encodePayload(envelope: EventEnvelope): Buffer {
  return packr.pack(envelope);
}

/** Decodes a stored payload; throws if the bytes are not an envelope-shaped msgpack map. */
export function decodePayload(payload: Uint8Array): EventEnvelope {
  const value = packr.unpack(payload) as EventEnvelope | null;
  if (!value || typeof value !== 'object' || typeof value.sequence !== 'number' || typeof value.id !== 'string') {
    throw new Error('payload is not an event envelope');
  }
  return value;
}

// Reused: Hmac.update copies its input synchronously, so one scratch buffer is safe.
const SEQUENCE_SCRATCH = Buffer.alloc(8);

/** HMAC(key, previous record HMAC || u64 sequence || payload): the link of the chain. */
export function chainHmac(
  keyring: Keyring,
  keyId: number,
  previous: Uint8Array,
  sequence: number,
  payload: Uint8Array,
): Buffer | undefined {
  // Sequences stay below 2^53, so two u32 halves encode the u64 without a BigInt.
  SEQUENCE_SCRATCH.writeUInt32BE(Math.floor(sequence / 0x1_0000_0000), 0);
  SEQUENCE_SCRATCH.writeUInt32BE(sequence >>> 0, 4);
  return keyring.mac(keyId, previous, SEQUENCE_SCRATCH, payload);
}

/** True when `actual` is exactly `expected`, compared in constant time. */
export function sameHmac(expected: Uint8Array | undefined, actual: Uint8Array): boolean {
  return expected !== undefined && expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Writes one record at `offset` of `target` (which must have room for it); answers its size. */
export function writeRecord(target: Buffer, offset: number, keyId: number, hmac: Uint8Array, payload: Uint8Array): number {
  target.writeUInt32BE(payload.length, offset);
  target.writeUInt16BE(keyId, offset + 4);
  target.set(hmac, offset + HMAC_OFFSET);
  target.set(payload, offset + RECORD_HEADER_BYTES);
  return RECORD_HEADER_BYTES + payload.length;
}

/** Writes a record's header at `offset` of `target`, its HMAC given as a latin1 string of 32 bytes; the payload follows it. */
export function writeRecordHeader(target: Buffer, offset: number, payloadLength: number, keyId: number, hmac: string): void {
  target.writeUInt32BE(payloadLength, offset);
  target.writeUInt16BE(keyId, offset + 4);
  if (target.write(hmac, offset + HMAC_OFFSET, HMAC_BYTES, 'latin1') !== HMAC_BYTES) throw new Error('an HMAC is 32 bytes');
}

/** What sits at an offset of a segment. */
export type ParsedRecord =
  | { kind: 'record'; keyId: number; hmac: Buffer; payload: Buffer; size: number }
  | { kind: 'incomplete'; needed: number }
  | { kind: 'bad_length'; declared: number };

/** Parses the record starting at `offset` without verifying it. */
export function parseRecord(buffer: Buffer, offset: number): ParsedRecord {
  const available = buffer.length - offset;
  if (available < RECORD_HEADER_BYTES) return { kind: 'incomplete', needed: RECORD_HEADER_BYTES };
  const declared = buffer.readUInt32BE(offset);
  if (declared === 0 || declared > MAX_RECORD_PAYLOAD_BYTES) return { kind: 'bad_length', declared };
  const size = RECORD_HEADER_BYTES + declared;
  if (available < size) return { kind: 'incomplete', needed: size };
  return {
    kind: 'record',
    keyId: buffer.readUInt16BE(offset + 4),
    hmac: buffer.subarray(offset + HMAC_OFFSET, offset + RECORD_HEADER_BYTES),
    payload: buffer.subarray(offset + RECORD_HEADER_BYTES, offset + size),
    size,
  };
}
