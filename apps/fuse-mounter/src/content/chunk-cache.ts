import { randomBytes } from 'node:crypto';
import { close, open, openSync, read, readSync, type PathLike } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink, writeFile, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { ChunkStore } from './chunk-store';

export interface ChunkCacheOptions {
  dir: string;
  maxBytes: number;
  store: ChunkStore;
  /** Chunk files kept open for reading (closed oldest first when idle). */
  maxOpenFiles?: number;
  /** Downloads at once (reads and read-ahead together). */
  fetchConcurrency?: number;
}

interface OpenChunk {
  fd: number;
  refs: number;
}

const openFd = (path: PathLike): Promise<number> => new Promise((resolve, reject) => open(path, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
const closeFd = (fd: number): void => close(fd, () => undefined);
const readFd = (fd: number, into: Buffer, at: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, into, at, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));

/**
 * The pod's local copy of chunks, on its disk (or tmpfs), bounded by size: least recently used
 * chunks are deleted first. A missing chunk is downloaded once, however many readers want it,
 * and checked against its hash. Files being read stay readable after eviction (open files
 * outlive unlink), so eviction never breaks a read under way.
 */
export class ChunkCache {
  private readonly lru: LRUCache<string, number>;
  private readonly fetching = new Map<string, Promise<void>>();
  private readonly open = new Map<string, OpenChunk | Promise<OpenChunk>>();
  private readonly idle = new Set<string>();
  private downloads = 0;
  private readonly waiting: Array<() => void> = [];
  private counters = { hits: 0, misses: 0, fetchedBytes: 0 };

  private constructor(private readonly options: Required<ChunkCacheOptions>) {
    this.lru = new LRUCache<string, number>({
      maxSize: options.maxBytes,
      sizeCalculation: (size) => Math.max(1, size),
      dispose: (_size, hash, reason) => {
        if (reason !== 'evict' && reason !== 'delete') return;
        void unlink(this.pathOf(hash)).catch(() => undefined);
        this.closeIdle(hash);
      },
    });
  }

  /** Opens the cache in `dir`, keeping the chunks a previous run left there (they are immutable). */
  static async open(options: ChunkCacheOptions): Promise<ChunkCache> {
    const cache = new ChunkCache({ maxOpenFiles: 256, fetchConcurrency: 4, ...options });
    await rm(join(options.dir, 'tmp'), { recursive: true, force: true });
    await mkdir(join(options.dir, 'tmp'), { recursive: true });
    await mkdir(join(options.dir, 'chunks'), { recursive: true });
    for (const prefix of await readdir(join(options.dir, 'chunks'))) {
      for (const name of await readdir(join(options.dir, 'chunks', prefix))) {
        if (/^[0-9a-f]{64}$/.test(name)) cache.lru.set(name, (await stat(cache.pathOf(name))).size);
      }
    }
    return cache;
  }

  get stats(): { bytes: number; chunks: number; openFiles: number; hits: number; misses: number; fetchedBytes: number } {
    return { bytes: this.lru.calculatedSize, chunks: this.lru.size, openFiles: this.open.size, ...this.counters };
  }

  /** Copies `length` bytes at `offset` of chunk `hash` into `into` at `at`; answers the bytes read. */
  async read(hash: string, offset: number, length: number, into: Buffer, at: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      await this.ensure(hash);
      let chunk: OpenChunk;
      try {
        chunk = await this.acquire(hash);
      } catch (error) {
        // Evicted between ensure and open: fetch it again, once.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
        throw error;
      }
      try {
        return await readFd(chunk.fd, into, at, length, offset);
      } finally {
        this.release(hash, chunk);
      }
    }
  }

  /**
   * The read of a chunk already on local disk, done at once (a page-cache hit costs a few
   * microseconds; a hop through the thread pool costs more than the read); undefined when the
   * chunk must be fetched first.
   */
  readLocal(hash: string, offset: number, length: number, into: Buffer, at: number): number | undefined {
    if (this.lru.get(hash) === undefined) return undefined;
    let entry = this.open.get(hash);
    if (entry instanceof Promise) return undefined;
    if (!entry) {
      try {
        entry = { fd: openSync(this.pathOf(hash), 'r'), refs: 0 };
      } catch {
        return undefined;
      }
      this.open.set(hash, entry);
    }
    this.counters.hits++;
    entry.refs++;
    this.idle.delete(hash);
    try {
      return readSync(entry.fd, into, at, length, offset);
    } finally {
      this.release(hash, entry);
    }
  }

  /** Makes sure the chunk is on local disk (downloading it when it is not). */
  ensure(hash: string): Promise<void> {
    if (this.lru.get(hash) !== undefined) {
      this.counters.hits++;
      return Promise.resolve();
    }
    const under = this.fetching.get(hash);
    if (under) return under;
    this.counters.misses++;
    const fetching = this.fetch(hash).finally(() => this.fetching.delete(hash));
    this.fetching.set(hash, fetching);
    return fetching;
  }

  /** Starts downloading a chunk a reader will probably want next; failures are left to that read. */
  prefetch(hash: string): void {
    if (this.lru.has(hash) || this.fetching.has(hash)) return;
    this.ensure(hash).catch(() => undefined);
  }

  /** Keeps a chunk this pod just wrote, so reading it back needs no download. */
  async adopt(hash: string, bytes: Uint8Array): Promise<void> {
    if (this.lru.has(hash)) return;
    const temp = this.tempPath(hash);
    await writeFile(temp, bytes);
    await this.install(hash, temp, bytes.length);
  }

  /** Closes every open chunk file. */
  close(): void {
    for (const [hash, entry] of this.open) {
      if (entry instanceof Promise) continue;
      this.open.delete(hash);
      closeFd(entry.fd);
    }
  }

  /** Closes the chunk's file when nobody reads it (an evicted chunk's disk space comes back). */
  private closeIdle(hash: string): boolean {
    const entry = this.open.get(hash);
    if (!entry || entry instanceof Promise || entry.refs > 0) return false;
    this.open.delete(hash);
    this.idle.delete(hash);
    closeFd(entry.fd);
    return true;
  }

  private async fetch(hash: string): Promise<void> {
    await this.slot();
    const temp = this.tempPath(hash);
    const file = await openFile(temp, 'w');
    try {
      let position = 0;
      const size = await this.options.store.get(hash, async (piece) => {
        await file.write(piece, 0, piece.length, position);
        position += piece.length;
      });
      await file.close();
      this.counters.fetchedBytes += size;
      await this.install(hash, temp, size);
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    } finally {
      this.unslot();
    }
  }

  private async install(hash: string, temp: string, size: number): Promise<void> {
    await mkdir(join(this.options.dir, 'chunks', hash.slice(0, 2)), { recursive: true });
    await rename(temp, this.pathOf(hash));
    this.lru.set(hash, size);
  }

  private async acquire(hash: string): Promise<OpenChunk> {
    const entry = this.open.get(hash);
    if (entry && !(entry instanceof Promise)) {
      entry.refs++;
      this.idle.delete(hash);
      return entry;
    }
    if (entry) {
      const opened = await entry;
      opened.refs++;
      this.idle.delete(hash);
      return opened;
    }
    const opening = openFd(this.pathOf(hash)).then((fd) => {
      const opened = { fd, refs: 0 };
      this.open.set(hash, opened);
      return opened;
    });
    this.open.set(hash, opening);
    try {
      const opened = await opening;
      opened.refs++;
      return opened;
    } catch (error) {
      this.open.delete(hash);
      throw error;
    }
  }

  private release(hash: string, chunk: OpenChunk): void {
    chunk.refs--;
    if (chunk.refs > 0) return;
    this.idle.add(hash);
    if (this.open.size <= this.options.maxOpenFiles) return;
    // Close the longest idle files (Set keeps insertion order) until under the bound.
    for (const oldest of this.idle) {
      if (this.open.size <= this.options.maxOpenFiles) break;
      if (!this.closeIdle(oldest)) this.idle.delete(oldest);
    }
  }

  private async slot(): Promise<void> {
    if (this.downloads < this.options.fetchConcurrency) {
      this.downloads++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private unslot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.downloads--;
  }

  private pathOf(hash: string): string {
    return join(this.options.dir, 'chunks', hash.slice(0, 2), hash);
  }

  private tempPath(hash: string): string {
    return join(this.options.dir, 'tmp', `${hash}.${randomBytes(4).toString('hex')}`);
  }
}
