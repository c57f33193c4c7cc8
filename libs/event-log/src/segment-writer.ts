import type { FaultHook } from './fault-point';
import type { FileSystemPort } from './fs-port';
import { AppendFailedError } from './errors/append-failed.error';
import { StoreHaltedError } from './errors/store-halted.error';
import { fsyncDirectory, writeFully } from './file-io';
import { plainSegmentName, segmentPath } from './segment-files';

/** The segment being appended to, and the durable write of one batch into it. */
export class SegmentWriter {
  private constructor(
    private readonly fs: FileSystemPort,
    private readonly dir: string,
    private fd: number,
    private index: number,
    private size: number,
    private readonly hook: FaultHook | undefined,
  ) {}

  /**
   * Opens segment `index` for appending, creating it when absent. A file longer than
   * `validBytes` (a torn tail the scan found) is cut back and the cut fdatasynced.
   */
  static async open(
    fs: FileSystemPort,
    dir: string,
    index: number,
    validBytes: number,
    hook: FaultHook | undefined,
  ): Promise<SegmentWriter> {
    const fd = await openOrCreate(fs, dir, index);
    const { size } = await fs.fstat(fd);
    if (size > validBytes) {
      await fs.ftruncate(fd, validBytes);
      await fs.fdatasync(fd);
    }
    return new SegmentWriter(fs, dir, fd, index, validBytes, hook);
  }

  get segment(): number {
    return this.index;
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * Writes the batch at the end of the segment and fdatasyncs it. A failed write is rolled back
   * (ftruncate to the previous end) and reported as {@link AppendFailedError}; a failed fsync
   * is a {@link StoreHaltedError}, because after it the kernel may have dropped the dirty pages
   * and a retry could report success for data that never reached the disk.
   */
  async append(batch: Buffer): Promise<void> {
    const start = this.size;
    this.hook?.('before-write');
    try {
      await this.write(batch, start);
    } catch (error) {
      await this.rollback(start, error);
    }
    this.size = start + batch.length;
    this.hook?.('before-fsync');
    try {
      await this.fs.fdatasync(this.fd);
    } catch (error) {
      throw new StoreHaltedError('fsync failed; restart required', { cause: error });
    }
  }

  /** Seals this segment and switches to a new, empty one; returns the sealed index. */
  async rotate(): Promise<number> {
    const next = this.index + 1;
    const fd = await openOrCreate(this.fs, this.dir, next);
    this.hook?.('mid-rotation');
    const sealed = this.index;
    const previous = this.fd;
    this.fd = fd;
    this.index = next;
    this.size = 0;
    await this.fs.close(previous);
    return sealed;
  }

  async close(): Promise<void> {
    await this.fs.close(this.fd);
  }

  private async write(batch: Buffer, start: number): Promise<void> {
    if (!this.hook) return writeFully(this.fs, this.fd, batch, start);
    // With a fault hook the batch goes out in two writes, so a crash test can stop between them.
    const half = Math.floor(batch.length / 2);
    await writeFully(this.fs, this.fd, batch.subarray(0, half), start);
    this.hook('mid-write');
    await writeFully(this.fs, this.fd, batch.subarray(half), start + half);
  }

  private async rollback(start: number, cause: unknown): Promise<never> {
    try {
      await this.fs.ftruncate(this.fd, start);
    } catch (truncateError) {
      throw new StoreHaltedError('write failed and could not be rolled back; restart required', {
        cause: new AggregateError([cause, truncateError]),
      });
    }
    throw new AppendFailedError(`write failed, batch rolled back: ${(cause as Error).message}`, { cause });
  }
}

async function openOrCreate(fs: FileSystemPort, dir: string, index: number): Promise<number> {
  const path = segmentPath(dir, plainSegmentName(index));
  try {
    return await fs.open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const fd = await fs.open(path, 'wx+');
  await fsyncDirectory(fs, dir);
  return fd;
}
