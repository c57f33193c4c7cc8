import { createHash } from 'node:crypto';
import { read } from 'node:fs';
import { FS_LIMITS } from '@lighthouse/contracts';
import { DEFAULT_CHUNK_BYTES, type FileContent } from '@lighthouse/shadow-fs';
import type { ChunkCache } from './chunk-cache';
import type { ChunkStore } from './chunk-store';

/** Uploads at once while storing one file (memory: about this many chunks). */
const UPLOADS_IN_FLIGHT = 4;

const readAt = (fd: number, into: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, into, 0, into.length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));

/**
 * Turns a local file (a write spool, or a file being imported) into content-addressed chunks:
 * reads it one chunk at a time, hashes each chunk and the whole, uploads the chunks the store
 * lacks (a few at once) and keeps them in the local cache. Memory stays at a few chunks
 * whatever the file's size.
 */
export class ContentWriter {
  constructor(
    private readonly store: ChunkStore,
    /** Where this pod keeps the chunks it wrote (none for a one-off import). */
    private readonly cache: ChunkCache | undefined,
    readonly chunkSize = DEFAULT_CHUNK_BYTES,
  ) {}

  /** Largest file an event can name. */
  get maxFileBytes(): number {
    return FS_LIMITS.maxChunks * this.chunkSize;
  }

  async storeFile(fd: number, size: number): Promise<FileContent> {
    const whole = createHash('sha256');
    const chunks: string[] = [];
    const uploads: Array<Promise<void>> = [];
    try {
      for (let offset = 0; offset < size; offset += this.chunkSize) {
        const piece = Buffer.allocUnsafe(Math.min(this.chunkSize, size - offset));
        await readFully(fd, piece, offset);
        whole.update(piece);
        const hash = createHash('sha256').update(piece).digest('hex');
        chunks.push(hash);
        uploads.push(Promise.all([this.store.put(hash, piece), this.cache?.adopt(hash, piece)]).then(() => undefined));
        if (uploads.length >= UPLOADS_IN_FLIGHT) await uploads.shift();
      }
      await Promise.all(uploads.splice(0));
    } finally {
      // A failure above leaves other uploads running: wait for them (their errors are already ours).
      await Promise.allSettled(uploads);
    }
    return { size, hash: whole.digest('hex'), chunkSize: this.chunkSize, chunks };
  }
}

async function readFully(fd: number, into: Buffer, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const bytes = await readAt(fd, into.subarray(done), position + done);
    if (bytes === 0) throw new Error(`file ended at ${position + done}, expected ${position + into.length}`);
    done += bytes;
  }
}
