import type { FileContent } from './fs-tree';

/** Chunk size of new files: large enough to stream well, small enough for one NATS message. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** One piece of a read: which chunk, where in it, how many bytes. */
export interface ChunkSlice {
  index: number;
  hash: string;
  offset: number;
  length: number;
}

/** The chunk slices that hold `length` bytes from `offset` (clamped to the file's end). */
export function chunkSlices(content: FileContent, offset: number, length: number): ChunkSlice[] {
  const end = Math.min(content.size, offset + length);
  const slices: ChunkSlice[] = [];
  for (let at = offset; at < end; ) {
    const index = Math.floor(at / content.chunkSize);
    const within = at - index * content.chunkSize;
    const take = Math.min(content.chunkSize - within, end - at);
    slices.push({ index, hash: content.chunks[index] as string, offset: within, length: take });
    at += take;
  }
  return slices;
}

/** Size of chunk `index` of a file. */
export const chunkLength = (content: Pick<FileContent, 'size' | 'chunkSize'>, index: number): number =>
  Math.max(0, Math.min(content.chunkSize, content.size - index * content.chunkSize));

/** SHA-256 of no bytes: the hash of an empty file. */
export const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
