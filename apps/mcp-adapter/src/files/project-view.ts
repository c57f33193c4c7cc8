import { isUtf8 } from 'node:buffer';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { LighthouseError, ProjectPathSchema, type ErrorCode } from '@lighthouse/contracts';

export interface FileEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
}

export interface FileListing {
  path: string;
  entries: FileEntry[];
  /** More entries than one answer holds. */
  truncated: boolean;
}

export interface FileContent {
  path: string;
  size: number;
  offset: number;
  bytesRead: number;
  /** `utf8` text, or `base64` when the bytes are not UTF-8. */
  encoding: 'utf8' | 'base64';
  content: string;
  /** Offset of the next read, or null at the end of the file. */
  nextOffset: number | null;
}

const MAX_ENTRIES = 1000;
export const MAX_READ_BYTES = 1024 * 1024;

/**
 * Reads of the shared project view (the FUSE mount: `/current`, `/history`, `/shadows`,
 * `/agents`, `/delegations`, `/streams`). Paths are relative to the mount and checked before
 * anything touches the filesystem, then resolved and checked again (no symlink leads out); every
 * operation has a deadline, since a read on a network filesystem can hang. A mount point without
 * the view's layout is reported as not mounted.
 */
export class ProjectView {
  constructor(
    readonly root: string,
    private readonly timeoutMs: number,
  ) {}

  async list(path: string): Promise<FileListing> {
    const { shown, full } = await this.resolve(path);
    const dirents = await this.bounded(readdir(full, { withFileTypes: true }), `listing ${shown}`);
    const entries = dirents.slice(0, MAX_ENTRIES).map((d) => ({ name: d.name, type: d.isFile() ? 'file' : d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symlink' : 'other' }) as FileEntry);
    return { path: shown, entries, truncated: dirents.length > MAX_ENTRIES };
  }

  async read(path: string, offset: number, maxBytes: number): Promise<FileContent> {
    const { shown, full } = await this.resolve(path);
    if (/^\/streams(\/|$)/.test(shown)) throw new LighthouseError('VALIDATION_FAILED', `${shown} is a live stream that never ends; use query_events for past events`);
    const handle = await this.bounded(open(full, 'r'), `opening ${shown}`);
    try {
      const info = await this.bounded(handle.stat(), `stat of ${shown}`);
      if (info.isDirectory()) throw new LighthouseError('VALIDATION_FAILED', `${shown} is a directory; use list_files`);
      const buffer = Buffer.alloc(Math.max(0, Math.min(maxBytes, info.size - offset)));
      const { bytesRead } = await this.bounded(handle.read(buffer, 0, buffer.length, offset), `reading ${shown}`);
      return contentOf(shown, info.size, offset, buffer.subarray(0, bytesRead));
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** The checked path (as shown to the agent) and where it is on this machine. */
  private async resolve(path: string): Promise<{ shown: string; full: string }> {
    const relative = path.replace(/^\/+/, '').replace(/\/+$/, '');
    if (relative !== '' && !ProjectPathSchema.safeParse(relative).success) {
      throw new LighthouseError('VALIDATION_FAILED', `${JSON.stringify(path)} is not a path in the project view (no . or .. or empty parts, no NUL, names up to 255 bytes)`);
    }
    const root = await this.mountedRoot();
    const full = relative === '' ? root : join(root, relative);
    const real = await this.bounded(realpath(full), `resolving /${relative}`);
    if (real !== root && !real.startsWith(root + sep)) throw new LighthouseError('FORBIDDEN', `/${relative} leads outside the project view`);
    return { shown: `/${relative}`, full: real };
  }

  /** The mount's real path, once it shows the view's layout (`/current`); otherwise a clear error. */
  private async mountedRoot(): Promise<string> {
    const notMounted = (why: string) =>
      new LighthouseError('SERVICE_UNAVAILABLE', `the shared project view is not mounted at ${this.root} (${why}); run the fuse-mounter on this machine or set LIGHTHOUSE_MOUNT to where it mounts`);
    try {
      const current = await this.bounded(stat(join(this.root, 'current')), `checking the mount at ${this.root}`);
      if (!current.isDirectory()) throw notMounted('no /current folder');
      return await this.bounded(realpath(this.root), `resolving ${this.root}`);
    } catch (error) {
      if (error instanceof LighthouseError && error.code !== 'NOT_FOUND') throw error;
      throw notMounted(error instanceof LighthouseError ? 'no /current folder' : String(error));
    }
  }

  /** The operation, or DEADLINE_EXCEEDED when it takes too long; errno failures get stable codes. */
  private async bounded<T>(operation: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LighthouseError('DEADLINE_EXCEEDED', `${what} took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([operation, deadline]);
    } catch (error) {
      throw error instanceof LighthouseError ? error : fromErrno(error as NodeJS.ErrnoException, what);
    } finally {
      clearTimeout(timer);
    }
  }
}

const CODE_BY_ERRNO: Record<string, ErrorCode> = {
  ENOENT: 'NOT_FOUND',
  ENOTDIR: 'NOT_FOUND',
  EACCES: 'FORBIDDEN',
  EPERM: 'FORBIDDEN',
  EISDIR: 'VALIDATION_FAILED',
  ENAMETOOLONG: 'VALIDATION_FAILED',
  EINVAL: 'VALIDATION_FAILED',
  ETIMEDOUT: 'DEADLINE_EXCEEDED',
  ENOTCONN: 'SERVICE_UNAVAILABLE',
  EIO: 'SERVICE_UNAVAILABLE',
};

function fromErrno(error: NodeJS.ErrnoException, what: string): LighthouseError {
  const code = CODE_BY_ERRNO[error.code ?? ''] ?? 'INTERNAL';
  const hint = error.code === 'ENOTCONN' ? ' (the mount is stale: its fuse-mounter stopped)' : '';
  return new LighthouseError(code, `${what}: ${error.code ?? error.message}${hint}`, { cause: error });
}

/** Text when the bytes are UTF-8 (a multi-byte character cut at the end of a partial read is left for the next read). */
function contentOf(path: string, size: number, offset: number, bytes: Buffer): FileContent {
  let take = bytes;
  const partial = offset + bytes.length < size;
  for (let cut = 0; partial && cut < 4 && take.length > cut && !isUtf8(take); cut++) take = bytes.subarray(0, bytes.length - cut - 1);
  const text = isUtf8(take);
  const used = text ? take : bytes;
  const end = offset + used.length;
  return {
    path,
    size,
    offset,
    bytesRead: used.length,
    encoding: text ? 'utf8' : 'base64',
    content: used.toString(text ? 'utf8' : 'base64'),
    nextOffset: end < size ? end : null,
  };
}
