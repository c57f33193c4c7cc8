import * as crypto from 'node:crypto';

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;
// Parts up to this size are hashed from one reused scratch buffer; larger ones get their own.
const SCRATCH_BYTES = 64 * 1024;
/** Previous HMAC and u64 sequence, ahead of the payload in a chain link. */
const LINK_PREFIX_BYTES = DIGEST_BYTES + 8;

function sequenceBytes(sequence: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(Math.floor(sequence / 0x1_0000_0000), 0);
  bytes.writeUInt32BE(sequence >>> 0, 4);
  return bytes;
}

/**
 * HMAC-SHA256 (RFC 2104) computed as SHA256((K ^ opad) || SHA256((K ^ ipad) || message)) with
 * Node's one-shot `crypto.hash`. Same output as `createHmac('sha256', key)`, but about twice as
 * fast per call, because `createHmac` sets up a stream object and an OpenSSL MAC context for
 * every record, and the log computes one HMAC per record written and per record read.
 */
export class HmacSha256 {
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  private readonly scratch: Buffer;

  constructor(private readonly secret: Buffer) {
    const key = Buffer.alloc(BLOCK_BYTES);
    (secret.length > BLOCK_BYTES ? crypto.createHash('sha256').update(secret).digest() : secret).copy(key);
    this.innerPad = Buffer.from(key.map((byte) => byte ^ 0x36));
    this.outerPad = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
    key.forEach((byte, i) => (this.outerPad[i] = byte ^ 0x5c));
    this.scratch = Buffer.alloc(SCRATCH_BYTES);
    this.innerPad.copy(this.scratch);
  }

  /** The HMAC of the concatenated parts. */
  digest(parts: readonly Uint8Array[]): Buffer {
    if (typeof crypto.hash !== 'function') return this.viaCreateHmac(parts);
    const length = parts.reduce((sum, part) => sum + part.length, BLOCK_BYTES);
    const message = length <= SCRATCH_BYTES ? this.scratch : Buffer.concat([this.innerPad], length);
    let offset = BLOCK_BYTES;
    for (const part of parts) {
      message.set(part, offset);
      offset += part.length;
    }
    // 'binary' output: ('binary' = latin1) Node builds a string far faster than a Buffer here; both carry the bytes.
    const inner = crypto.hash('sha256', message.subarray(0, length), 'binary');
    this.outerPad.write(inner, BLOCK_BYTES, 'binary');
    return Buffer.from(crypto.hash('sha256', this.outerPad, 'binary'), 'binary');
  }

  /**
   * One link of the log's chain, HMAC(previous || u64 sequence || payload), as the 32 bytes in a
   * latin1 string: the batch writes it straight into its buffer, so no Buffer is made per record,
   * and passes it back as `previous` for the next record. Same bytes as {@link digest}.
   */
  link(previous: Uint8Array | string, sequence: number, payload: Uint8Array): string {
    if (typeof crypto.hash !== 'function') return this.viaCreateHmac([typeof previous === 'string' ? Buffer.from(previous, 'latin1') : previous, sequenceBytes(sequence), payload]).toString('latin1');
    const length = BLOCK_BYTES + LINK_PREFIX_BYTES + payload.length;
    const message = length <= SCRATCH_BYTES ? this.scratch : Buffer.concat([this.innerPad], length);
    if (typeof previous === 'string') message.write(previous, BLOCK_BYTES, DIGEST_BYTES, 'latin1');
    else message.set(previous, BLOCK_BYTES);
    // Sequences stay below 2^53, so two u32 halves encode the u64 without a BigInt.
    message.writeUInt32BE(Math.floor(sequence / 0x1_0000_0000), BLOCK_BYTES + DIGEST_BYTES);
    message.writeUInt32BE(sequence >>> 0, BLOCK_BYTES + DIGEST_BYTES + 4);
    message.set(payload, BLOCK_BYTES + LINK_PREFIX_BYTES);
    const inner = crypto.hash('sha256', message.subarray(0, length), 'binary');
    this.outerPad.write(inner, BLOCK_BYTES, DIGEST_BYTES, 'latin1');
    return crypto.hash('sha256', this.outerPad, 'binary');
  }

  /** Node before 20.12 has no `crypto.hash`. */
  private viaCreateHmac(parts: readonly Uint8Array[]): Buffer {
    const hmac = crypto.createHmac('sha256', this.secret);
    for (const part of parts) hmac.update(part);
    return hmac.digest();
  }
}
