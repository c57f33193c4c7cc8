import { createHash } from 'node:crypto';
import { LighthouseError } from '@lighthouse/contracts';
import { useNativeObjectDigest, type BlobBucket, type BusStreams } from '@lighthouse/transport';

/** Where chunks live for every pod: content-addressed, written once, read by many. */
export interface ChunkStore {
  has(hash: string): Promise<boolean>;
  /** Stores `bytes` under its SHA-256 `hash` (a chunk already there is not written again). */
  put(hash: string, bytes: Uint8Array): Promise<void>;
  /** Streams the chunk's bytes to `sink` in order; fails when missing or corrupt. */
  get(hash: string, sink: (piece: Uint8Array) => Promise<void> | void): Promise<number>;
}

const KNOWN_LIMIT = 100_000;

/**
 * Chunks in a JetStream object store bucket, one object per chunk named by its SHA-256. The
 * object store splits each into messages the broker accepts and checksums it; we check the
 * name against the bytes as well, so a chunk is what its name says or it is not returned.
 */
export class ObjectChunkStore implements ChunkStore {
  /** Hashes known to be in the bucket (they never leave it), to skip a round trip. */
  private readonly known = new Set<string>();
  /** Puts under way, so the same chunk twice in one file is written once. */
  private readonly putting = new Map<string, Promise<void>>();

  private constructor(
    private readonly store: BlobBucket,
    private readonly timeoutMs: number,
  ) {}

  static async open(streams: BusStreams, bucket: string, timeoutMs = 10_000): Promise<ObjectChunkStore> {
    useNativeObjectDigest();
    const store = await streams.objectStore(bucket, { timeoutMs, description: 'Lighthouse file chunks, by SHA-256' });
    return new ObjectChunkStore(store, timeoutMs);
  }

  async has(hash: string): Promise<boolean> {
    if (this.known.has(hash)) return true;
    const info = await this.store.info(hash);
    const present = info !== null && !info.deleted;
    if (present) this.remember(hash);
    return present;
  }

  put(hash: string, bytes: Uint8Array): Promise<void> {
    if (this.known.has(hash)) return Promise.resolve();
    const under = this.putting.get(hash);
    if (under) return under;
    const putting = this.write(hash, bytes).finally(() => this.putting.delete(hash));
    this.putting.set(hash, putting);
    return putting;
  }

  private async write(hash: string, bytes: Uint8Array): Promise<void> {
    if (await this.has(hash)) return;
    await this.store.putBlob({ name: hash, options: { max_chunk_size: 1024 * 1024 } }, bytes, { timeout: this.timeoutMs });
    this.remember(hash);
  }

  async get(hash: string, sink: (piece: Uint8Array) => Promise<void> | void): Promise<number> {
    const result = await this.store.get(hash);
    if (!result || result.info.deleted) throw new LighthouseError('NOT_FOUND', `chunk ${hash} is not in the object store`);
    const digest = createHash('sha256');
    let size = 0;
    const reader = result.data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      digest.update(value);
      size += value.length;
      await sink(value);
    }
    const failure = await result.error;
    if (failure) throw new LighthouseError('STORE_UNAVAILABLE', `chunk ${hash}: ${failure.message}`, { cause: failure });
    if (digest.digest('hex') !== hash) throw new LighthouseError('INTERNAL', `chunk ${hash} does not match its name`);
    this.remember(hash);
    return size;
  }

  private remember(hash: string): void {
    if (this.known.size >= KNOWN_LIMIT) this.known.clear();
    this.known.add(hash);
  }
}
