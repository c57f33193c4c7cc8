import { chunkSlices, type ChunkSlice, type FileContent } from '@lighthouse/shadow-fs';
import type { ChunkCache } from '../content/chunk-cache';

/** Chunks fetched ahead of a reader that moved to a new chunk. */
const READ_AHEAD_CHUNKS = 2;

/** What one open handle remembers of its reads. */
export interface ReadCursor {
  lastChunk: number;
}

/**
 * Reads of file content from the chunk cache: answered at once when the chunks are on local
 * disk, after their download otherwise; a reader moving on to a new chunk has the next ones
 * fetched ahead, so a large file streams.
 */
export class ContentReader {
  constructor(private readonly cache: ChunkCache) {}

  read(cursor: ReadCursor, content: FileContent, into: Buffer, length: number, position: number): number | Promise<number> {
    const slices = chunkSlices(content, position, length);
    this.readAhead(cursor, content, slices);
    let done = 0;
    for (const [i, slice] of slices.entries()) {
      const bytes = this.cache.readLocal(slice.hash, slice.offset, slice.length, into, done);
      if (bytes === undefined) return this.fetchAndRead(slices.slice(i), into, done);
      done += bytes;
      if (bytes < slice.length) break;
    }
    return done;
  }

  private async fetchAndRead(slices: ChunkSlice[], into: Buffer, done: number): Promise<number> {
    for (const slice of slices) {
      const bytes = await this.cache.read(slice.hash, slice.offset, slice.length, into, done);
      done += bytes;
      if (bytes < slice.length) break;
    }
    return done;
  }

  /** Reading moved to another chunk: start fetching the next ones. */
  private readAhead(cursor: ReadCursor, content: FileContent, slices: ChunkSlice[]): void {
    const last = slices.at(-1);
    if (!last || last.index === cursor.lastChunk) return;
    cursor.lastChunk = last.index;
    for (let ahead = 1; ahead <= READ_AHEAD_CHUNKS; ahead++) {
      const next = content.chunks[last.index + ahead];
      if (next) this.cache.prefetch(next);
    }
  }
}
