import * as fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * Every file-system call the log makes goes through this port, so tests can count fsyncs or
 * inject ENOSPC/EIO without touching a real disk's failure modes. File descriptors are plain
 * numbers; positions are explicit (pread/pwrite), never a shared file cursor.
 */
export interface FileSystemPort {
  open(path: string, flags: string): Promise<number>;
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fstat(fd: number): Promise<{ size: number }>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
}

const read = promisify(fs.read);
const write = promisify(fs.write);

/** The real file system (node:fs). */
export const nodeFileSystem: FileSystemPort = {
  open: (path, flags) => promisify(fs.open)(path, flags),
  read: async (fd, buffer, offset, length, position) =>
    (await read(fd, buffer, offset, length, position)).bytesRead,
  write: async (fd, buffer, offset, length, position) =>
    (await write(fd, buffer, offset, length, position)).bytesWritten,
  fdatasync: (fd) => promisify(fs.fdatasync)(fd),
  fsync: (fd) => promisify(fs.fsync)(fd),
  ftruncate: (fd, length) => promisify(fs.ftruncate)(fd, length),
  fstat: async (fd) => ({ size: (await promisify(fs.fstat)(fd)).size }),
  close: (fd) => promisify(fs.close)(fd),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  readdir: (path) => fs.promises.readdir(path),
  mkdir: async (path) => {
    await fs.promises.mkdir(path, { recursive: true });
  },
  readFile: (path) => fs.promises.readFile(path),
};
