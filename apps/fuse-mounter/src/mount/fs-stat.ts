import { constants } from 'node:fs';
import { statfs } from 'node:fs/promises';

/** What getattr answers (the FUSE binding turns it into a struct stat). */
export interface FsStat {
  mode: number;
  size: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  atime: number;
  ctime: number;
  blocks: number;
  blksize: number;
}

export interface FsStatfs {
  bsize: number;
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  favail: number;
  fsid: number;
  flag: number;
  namemax: number;
}

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

/** A regular file's stat: owned by the mounter's user (the owning agent is in the event log). */
export function fileStat(size: number, mode: number, mtimeMs: number, ctimeMs: number): FsStat {
  return { mode: constants.S_IFREG | mode, size, uid, gid, nlink: 1, mtime: mtimeMs, atime: mtimeMs, ctime: ctimeMs, blocks: Math.ceil(size / 512), blksize: 4096 };
}

export function dirStat(mode: number, mtimeMs: number, ctimeMs: number): FsStat {
  return { ...fileStat(4096, mode, mtimeMs, ctimeMs), mode: constants.S_IFDIR | mode, nlink: 2 };
}

/** statfs of the mount: the space of the disk that holds the spool and cache, names up to 255 bytes. */
export async function diskStatfs(dir: string, files: number): Promise<FsStatfs> {
  const disk = await statfs(dir);
  return {
    bsize: disk.bsize,
    frsize: disk.bsize,
    blocks: disk.blocks,
    bfree: disk.bfree,
    bavail: disk.bavail,
    files: files + disk.ffree,
    ffree: disk.ffree,
    favail: disk.ffree,
    fsid: 0x4c48,
    flag: 0,
    namemax: 255,
  };
}
