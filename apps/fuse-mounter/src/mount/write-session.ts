import { randomBytes } from 'node:crypto';
import { close, ftruncate, open, read, write } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chunkLength, type FileContent } from '@lighthouse/shadow-fs';
import type { ChunkCache } from '../content/chunk-cache';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const ftruncateAsync = promisify(ftruncate);
const readAsync = (fd: number, into: Buffer, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, into, 0, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));
const writeAsync = (fd: number, from: Buffer, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => write(fd, from, 0, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));

/** The local file that holds a session's bytes until they are committed. */
interface Spool {
  path: string;
  fd: number;
  size: number;
}

/**
 * The written-but-not-committed state of one file on this pod, shared by every handle open on
 * it (as an inode is): its bytes live in a spool file on local disk, never in memory, until a
 * flush, fsync or the last close commits them as one event. Operations on a session run one
 * at a time.
 */
export class WriteSession {
  /** Open handles on this session. */
  readonly handles = new Set<number>();
  /** Holds bytes not yet committed (a new empty file counts). */
  dirty = false;
  /** Written to (or truncated on purpose) since the last commit: a flush commits only then. */
  changed = false;
  /** Unlinked or replaced while open: its bytes are never committed. */
  orphaned = false;
  private spool?: Spool;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** Mount path (`/current/...`); changes when the file is renamed. */
    public path: string,
    public mode: number,
    /** Created on this pod and not yet in the tree. */
    public created: boolean,
    private readonly spoolDir: string,
  ) {}

  /** Bytes in the spool, or undefined while the session has not needed one. */
  get size(): number | undefined {
    return this.spool?.size;
  }

  get spooled(): boolean {
    return this.spool !== undefined;
  }

  /** Runs `step` after every step queued before it. */
  serially<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Makes sure the spool exists. Its starting bytes: nothing when `empty`, else the first
   * `limit` bytes of `base` (the committed content), copied one chunk at a time.
   */
  async materialize(base: FileContent | undefined, cache: ChunkCache, options: { empty?: boolean; limit?: number } = {}): Promise<Spool> {
    if (this.spool) return this.spool;
    const path = join(this.spoolDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const fd = await openAsync(path, 'w+', 0o600);
    const spool: Spool = { path, fd, size: 0 };
    try {
      if (base && !options.empty) spool.size = await copyInto(fd, base, cache, options.limit ?? base.size);
    } catch (error) {
      await closeAsync(fd).catch(() => undefined);
      await rm(path, { force: true });
      throw error;
    }
    this.spool = spool;
    return spool;
  }

  async write(data: Buffer, length: number, position: number): Promise<number> {
    const spool = this.required();
    let done = 0;
    while (done < length) done += await writeAsync(spool.fd, data.subarray(done), length - done, position + done);
    spool.size = Math.max(spool.size, position + length);
    this.dirty = true;
    this.changed = true;
    return length;
  }

  async read(into: Buffer, length: number, position: number): Promise<number> {
    const spool = this.required();
    return readAsync(spool.fd, into, Math.max(0, Math.min(length, spool.size - position)), position);
  }

  /** Sets the size; `changed` says whether a flush should commit it (not for O_TRUNC at open). */
  async truncate(size: number, changed: boolean): Promise<void> {
    const spool = this.required();
    await ftruncateAsync(spool.fd, size);
    spool.size = size;
    this.dirty = true;
    this.changed ||= changed;
  }

  /** The spool's file descriptor and size, to commit from. */
  contents(): { fd: number; size: number } {
    const spool = this.required();
    return { fd: spool.fd, size: spool.size };
  }

  /** Closes and deletes the spool. */
  async dispose(): Promise<void> {
    const spool = this.spool;
    this.spool = undefined;
    if (!spool) return;
    await closeAsync(spool.fd).catch(() => undefined);
    await rm(spool.path, { force: true });
  }

  private required(): Spool {
    if (!this.spool) throw new Error('write session has no spool');
    return this.spool;
  }
}

/** Copies the first `limit` bytes of `content` into `fd`; answers the bytes copied. */
async function copyInto(fd: number, content: FileContent, cache: ChunkCache, limit: number): Promise<number> {
  const total = Math.min(limit, content.size);
  const buffer = Buffer.allocUnsafe(Math.min(content.chunkSize, Math.max(total, 1)));
  let copied = 0;
  for (let index = 0; copied < total; index++) {
    const hash = content.chunks[index] as string;
    const length = Math.min(chunkLength(content, index), total - copied);
    for (let within = 0; within < length; ) {
      const bytes = await cache.read(hash, within, Math.min(buffer.length, length - within), buffer, 0);
      if (bytes === 0) throw new Error(`chunk ${hash} is shorter than its file says`);
      await writeFully(fd, buffer, bytes, copied + within);
      within += bytes;
    }
    copied += length;
  }
  return copied;
}

async function writeFully(fd: number, from: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) done += await writeAsync(fd, from.subarray(done), length - done, position + done);
}
