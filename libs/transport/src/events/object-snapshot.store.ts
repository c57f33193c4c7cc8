import type { SnapshotStore } from '@lighthouse/snapshots';
import type { BlobBucket, BusStreams } from '../bus-streams';
import { useNativeObjectDigest } from '../native-object-digest';

/** The JetStream object store bucket followers keep their snapshots in (one object per follower kind). */
export const SNAPSHOT_BUCKET = 'lh-snapshots';

/**
 * Snapshots in a JetStream object store bucket: every replica of every follower reads the same
 * one, and a newer one replaces the object (the store drops the old chunks). The object store
 * checksums each object; the snapshot carries its own digest too. Reads are bounded by `maxBytes`.
 */
export class ObjectSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly bucket: BlobBucket,
    private readonly timeoutMs: number,
    private readonly maxBytes: number,
  ) {}

  static async open(streams: BusStreams, options: { bucket?: string; timeoutMs?: number; maxBytes?: number } = {}): Promise<ObjectSnapshotStore> {
    useNativeObjectDigest();
    const timeoutMs = options.timeoutMs ?? 30_000;
    const bucket = await streams.objectStore(options.bucket ?? SNAPSHOT_BUCKET, { timeoutMs, description: 'Lighthouse follower snapshots, by follower kind' });
    return new ObjectSnapshotStore(bucket, timeoutMs, options.maxBytes ?? 1024 * 1024 * 1024);
  }

  async load(key: string): Promise<Uint8Array | null> {
    const info = await this.bucket.info(key);
    if (!info || info.deleted) return null;
    if (info.size > this.maxBytes) throw new Error(`snapshot ${key} holds ${info.size} bytes, over the ${this.maxBytes} allowed`);
    const result = await this.bucket.get(key);
    if (!result || result.info.deleted) return null;
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = result.data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > this.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Error(`snapshot ${key} is over the ${this.maxBytes} bytes allowed`);
      }
      parts.push(value);
    }
    const failure = await result.error;
    if (failure) throw failure;
    return Buffer.concat(parts, size);
  }

  async save(key: string, bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.maxBytes) throw new Error(`snapshot ${key} of ${bytes.length} bytes is over the ${this.maxBytes} allowed`);
    await this.bucket.putBlob({ name: key, options: { max_chunk_size: 1024 * 1024 } }, bytes, { timeout: this.timeoutMs });
  }
}
