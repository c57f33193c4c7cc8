import type { FileSystemPort } from './fs-port';

/** Writes all of `buffer` at `position`, looping over short writes. */
export async function writeFully(fs: FileSystemPort, fd: number, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    done += await fs.write(fd, buffer, done, buffer.length - done, position + done);
  }
}

/** Reads exactly `length` bytes at `position`; fails if the file is shorter. */
export async function readFully(fs: FileSystemPort, fd: number, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await fs.read(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += n;
  }
  return buffer;
}

/** Makes a rename, create or unlink in `dir` durable: on Linux that takes an fsync of the directory. */
export async function fsyncDirectory(fs: FileSystemPort, dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r');
  try {
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
}

/** Creates (or replaces) `path` with `content`, fsynced, then closes it. */
export async function writeFileSynced(fs: FileSystemPort, path: string, content: Buffer): Promise<void> {
  const fd = await fs.open(path, 'w');
  try {
    await writeFully(fs, fd, content, 0);
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
}

/** True for the error a missing file raises. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
