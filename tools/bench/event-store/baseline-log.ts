import { createHash, hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { pack } from 'msgpackr';
import type { NewEvent } from '@lighthouse/contracts';

/**
 * The benchmark's baseline: the least a durable HMAC-chained log must do, and nothing more —
 * msgpack encode, HMAC over (previous HMAC, sequence, payload), one write and one fdatasync per
 * batch, callers resolved after the sync. Same batching rule as the engine (all queued, ≤ 10 MB).
 *
 * Kept as strong as the engine where they do the same work, so the ratio is not flattered: it
 * stores the same bytes (the event with its sequence, stream version and commit time, the same
 * 38-byte record header) and computes HMAC-SHA256 the fast way the engine does (two one-shot
 * `crypto.hash` calls over precomputed pads, not a `createHmac` object per record).
 */
export class BaselineLog {
  private queue: Array<{ payload: NewEvent; resolve: (sequence: number) => void }> = [];
  private writing = false;
  private sequence = 0;
  private previous: Buffer = Buffer.alloc(32);
  private readonly versions = new Map<string, number>();
  private readonly mac: (parts: Buffer[]) => Buffer;

  private constructor(
    private readonly file: FileHandle,
    secret: Buffer,
    private readonly maxBatchBytes = 10 * 1024 * 1024,
  ) {
    this.mac = hmacSha256(secret);
  }

  static async open(path: string, secret: Buffer): Promise<BaselineLog> {
    return new BaselineLog(await open(path, 'a'), secret);
  }

  append(payload: NewEvent): Promise<number> {
    return new Promise((resolve) => {
      this.queue.push({ payload, resolve });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const parts: Buffer[] = [];
      const batch: Array<{ resolve: (sequence: number) => void; sequence: number }> = [];
      let bytes = 0;
      const time = new Date().toISOString();
      while (this.queue.length > 0 && bytes < this.maxBatchBytes) {
        const item = this.queue.shift() as (typeof this.queue)[number];
        const event = item.payload;
        const streamVersion = (this.versions.get(event.stream) ?? 0) + 1;
        this.versions.set(event.stream, streamVersion);
        // Spelled out, as the engine does (fixed key order, faster than a spread).
        const body = pack({
          id: event.id,
          type: event.type,
          stream: event.stream,
          agent: event.agent,
          correlationId: event.correlationId,
          causationId: event.causationId,
          schemaVersion: event.schemaVersion,
          data: event.data,
          sequence: this.sequence + 1,
          streamVersion,
          time,
        });
        const seq = Buffer.alloc(8);
        seq.writeBigUInt64BE(BigInt(++this.sequence));
        const mac = this.mac([this.previous, seq, body]);
        const header = Buffer.alloc(6);
        header.writeUInt32BE(body.length, 0);
        header.writeUInt16BE(1, 4);
        parts.push(header, mac, body);
        bytes += 38 + body.length;
        this.previous = mac;
        batch.push({ resolve: item.resolve, sequence: this.sequence });
      }
      await this.file.write(Buffer.concat(parts));
      await this.file.datasync();
      for (const entry of batch) entry.resolve(entry.sequence);
      // Let the callers just answered append again before the next batch is cut, as the engine's
      // checkpoint write after each batch does: otherwise a batch of the one event that arrived
      // during the sync alternates with one of all the rest, twice the fsyncs for the same work,
      // which would slow this loop down and flatter the engine's ratio.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.writing = false;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** HMAC-SHA256 (RFC 2104) as SHA256((K ^ opad) || SHA256((K ^ ipad) || message)). */
function hmacSha256(secret: Buffer): (parts: Buffer[]) => Buffer {
  const key = Buffer.alloc(64);
  (secret.length > 64 ? createHash('sha256').update(secret).digest() : secret).copy(key);
  const inner = Buffer.from(key.map((byte) => byte ^ 0x36));
  const outer = Buffer.from(key.map((byte) => byte ^ 0x5c));
  return (parts) => Buffer.from(hash('sha256', Buffer.concat([outer, Buffer.from(hash('sha256', Buffer.concat([inner, ...parts]), 'binary'), 'binary')]), 'binary'), 'binary');
}
