import { createHmac } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { pack } from 'msgpackr';

/**
 * The benchmark's baseline: the least a durable HMAC-chained log must do, and nothing more —
 * msgpack encode, HMAC over (previous HMAC, sequence, payload), one write and one fdatasync per
 * batch, callers resolved after the sync. Same batching rule as the engine (all queued, ≤ 10 MB).
 */
export class BaselineLog {
  private queue: Array<{ payload: unknown; resolve: (sequence: number) => void }> = [];
  private writing = false;
  private sequence = 0;
  private previous: Buffer = Buffer.alloc(32);

  private constructor(
    private readonly file: FileHandle,
    private readonly secret: Buffer,
    private readonly maxBatchBytes = 10 * 1024 * 1024,
  ) {}

  static async open(path: string, secret: Buffer): Promise<BaselineLog> {
    return new BaselineLog(await open(path, 'a'), secret);
  }

  append(payload: unknown): Promise<number> {
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
      while (this.queue.length > 0 && bytes < this.maxBatchBytes) {
        const item = this.queue.shift() as (typeof this.queue)[number];
        const body = pack(item.payload);
        const seq = Buffer.alloc(8);
        seq.writeBigUInt64BE(BigInt(++this.sequence));
        const mac = createHmac('sha256', this.secret).update(this.previous).update(seq).update(body).digest();
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
    }
    this.writing = false;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
