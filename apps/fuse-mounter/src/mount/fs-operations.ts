import { constants } from 'node:fs';
import {
  decideChmod,
  decideCreate,
  decideMkdir,
  decideRename,
  decideRmdir,
  decideUnlink,
  decideWrite,
  resolveView,
  writablePath,
  type FileBody,
  type FileContent,
  type ViewEntry,
} from '@lighthouse/shadow-fs';
import type { Logger } from '@lighthouse/observability';
import type { ChunkCache } from '../content/chunk-cache';
import type { ContentWriter } from '../content/content-writer';
import type { ShadowSync } from '../sync/shadow-sync';
import { ContentReader, type ReadCursor } from './content-reader';
import { FsError, unwrap } from './fs-error';
import { dirStat, diskStatfs, fileStat, type FsStat, type FsStatfs } from './fs-stat';
import { WriteSession } from './write-session';

interface Handle {
  path: string;
  /** What the file was when opened (reads of a handle see one version). */
  body?: FileBody;
  /** The file's write session, when the handle writes or the file had unsaved bytes. */
  session?: WriteSession;
  writable: boolean;
  append: boolean;
  /** Where this handle last read (for read-ahead). */
  cursor: ReadCursor;
}

export interface FsOperationsOptions {
  sync: ShadowSync;
  cache: ChunkCache;
  writer: ContentWriter;
  spoolDir: string;
  logger: Logger;
}


/**
 * The filesystem's calls, one method each, independent of the FUSE binding: metadata is
 * answered from the in-memory state, reads from the local chunk cache, writes go to a spool
 * and become one event when committed (flush, fsync, last close). Refusals throw {@link FsError}.
 */
export class FsOperations {
  private readonly handles = new Map<number, Handle>();
  private readonly sessions = new Map<string, WriteSession>();
  private nextHandle = 1;
  private readonly reader: ContentReader;

  constructor(private readonly options: FsOperationsOptions) {
    this.reader = new ContentReader(options.cache);
  }

  get openHandles(): number {
    return this.handles.size;
  }

  getattr(path: string): FsStat {
    const session = this.sessions.get(path);
    const view = this.view(path);
    if (!view.ok) {
      if (session) return fileStat(session.size ?? 0, session.mode, Date.now(), Date.now());
      throw new FsError(view.errno, view.reason);
    }
    const entry = view.value;
    if (entry.type === 'dir') return dirStat(entry.mode, entry.mtimeMs, entry.ctimeMs);
    return fileStat(session?.spooled ? (session.size as number) : entry.size, entry.mode, entry.mtimeMs, entry.ctimeMs);
  }

  readdir(path: string): string[] {
    const entry = unwrap(this.view(path));
    if (entry.type !== 'dir') throw new FsError('ENOTDIR');
    const names = new Set(entry.names());
    for (const session of this.sessions.values()) {
      const slash = session.path.lastIndexOf('/');
      if (session.created && session.path.slice(0, slash) === path) names.add(session.path.slice(slash + 1));
    }
    return ['.', '..', ...names];
  }

  /** Opening to read is answered at once; opening to write may first have to empty the file. */
  open(path: string, flags: number): number | Promise<number> {
    const writable = (flags & 3) !== constants.O_RDONLY;
    const view = this.view(path);
    let session = this.sessions.get(path);
    if (!view.ok && !session) throw new FsError(view.errno, view.reason);
    const entry = view.ok ? view.value : undefined;
    if (entry?.type === 'dir') throw new FsError('EISDIR');
    const body = entry?.type === 'file' ? entry.body : undefined;
    const append = (flags & constants.O_APPEND) !== 0;
    if (!writable) return this.addHandle({ path, body, session: session?.spooled ? session : undefined, writable, append, cursor: { lastChunk: -1 } });
    unwrap(writablePath(path));
    session ??= this.startSession(path, entry?.mode ?? 0o644, false);
    const handle = this.addHandle({ path, body, session, writable, append, cursor: { lastChunk: -1 } });
    if (!(flags & constants.O_TRUNC)) return handle;
    return this.truncateSession(session, 0, false).then(
      () => handle,
      async (error: unknown) => {
        await this.release(handle);
        throw error;
      },
    );
  }

  async create(path: string, mode: number): Promise<number> {
    unwrap(decideCreate(this.options.sync.state.tree, path));
    if (this.sessions.has(path)) throw new FsError('EEXIST');
    const session = this.startSession(path, mode & 0o7777, true);
    await this.truncateSession(session, 0, false);
    return this.addHandle({ path, session, writable: true, append: false, cursor: { lastChunk: -1 } });
  }

  /** Reads of chunks on local disk are answered at once; others wait for their download. */
  read(fd: number, into: Buffer, length: number, position: number): number | Promise<number> {
    const handle = this.handle(fd);
    if (handle.session?.spooled) return handle.session.read(into, length, position);
    const body = handle.body;
    if (!body) return 0;
    switch (body.kind) {
      case 'bytes': {
        const slice = body.bytes.subarray(position, position + length);
        into.set(slice);
        return slice.length;
      }
      case 'stream': {
        const bytes = this.options.sync.streams.read(body.name, position, length);
        if (bytes === null) throw new FsError('EIO', 'that part of the stream has left its window');
        bytes.copy(into);
        return bytes.length;
      }
      case 'chunks':
        return this.reader.read(handle.cursor, body.content, into, length, position);
    }
  }

  async write(fd: number, data: Buffer, length: number, position: number): Promise<number> {
    const handle = this.handle(fd);
    const session = handle.session;
    if (!handle.writable || !session) throw new FsError('EBADF');
    return session.serially(async () => {
      await session.materialize(this.committed(session.path), this.options.cache);
      const at = handle.append ? (session.size as number) : position;
      if (at + length > this.options.writer.maxFileBytes) throw new FsError('EFBIG', 'past the largest file an event can name');
      return session.write(data, length, at);
    });
  }

  /** truncate(2) by path: with an open session it changes that, else it commits at once. */
  async truncate(path: string, size: number): Promise<void> {
    unwrap(writablePath(path));
    const open = this.sessions.get(path);
    if (open) return this.truncateSession(open, size, true);
    const entry = unwrap(this.view(path));
    if (entry.type === 'dir') throw new FsError('EISDIR');
    const session = new WriteSession(path, entry.mode, false, this.options.spoolDir);
    try {
      await this.truncateSession(session, size, true);
      await this.commit(session);
    } finally {
      await session.dispose();
    }
  }

  async ftruncate(fd: number, size: number): Promise<void> {
    const handle = this.handle(fd);
    if (!handle.writable || !handle.session) throw new FsError('EBADF');
    await this.truncateSession(handle.session, size, true);
  }

  /**
   * close(2) and fsync(2): what was written is committed before the call returns. A file that
   * was only created or truncated at open waits for its last close (a shell's `> file` closes a
   * duplicate of the descriptor before writing: committing then would record an empty version).
   */
  flush(fd: number): void | Promise<void> {
    const handle = this.handle(fd);
    const session = handle.session;
    if (!handle.writable || !session) return;
    return session.serially(async () => {
      if (session.changed) await this.commit(session);
    });
  }

  /** fsync(2): everything not yet committed (an empty new file too) is, before it returns. */
  async fsync(fd: number): Promise<void> {
    const handle = this.handle(fd);
    const session = handle.session;
    if (!handle.writable || !session) return;
    await session.serially(() => this.commit(session));
  }

  /** The last handle of a session commits what is left and deletes the spool. */
  release(fd: number): void | Promise<void> {
    const handle = this.handles.get(fd);
    this.handles.delete(fd);
    const session = handle?.session;
    if (!session) return;
    session.handles.delete(fd);
    if (session.handles.size > 0) return;
    return session.serially(async () => {
      try {
        await this.commit(session);
      } finally {
        if (this.sessions.get(session.path) === session) this.sessions.delete(session.path);
        await session.dispose();
      }
    });
  }

  async unlink(path: string): Promise<void> {
    const session = this.sessions.get(path);
    const decided = decideUnlink(this.options.sync.state.tree, path);
    if (decided.ok) await this.options.sync.commit([decided.value]);
    else if (!(session?.created && decided.errno === 'ENOENT')) throw new FsError(decided.errno, decided.reason);
    this.orphan(path);
  }

  async rename(from: string, to: string): Promise<void> {
    const tree = this.options.sync.state.tree;
    const decided = decideRename(tree, from, to);
    if (decided.ok) {
      if (decided.value) await this.options.sync.commit([decided.value]);
    } else if (this.sessions.get(from)?.created && decided.errno === 'ENOENT') {
      // A file still being written here and not yet in the tree: it moves without an event.
      const target = decideCreate(tree, to);
      if (!target.ok && target.errno !== 'EEXIST') throw new FsError(target.errno, target.reason);
      if (unwrap(this.view(to)).type === 'dir') throw new FsError('EISDIR');
    } else {
      throw new FsError(decided.errno, decided.reason);
    }
    if (from === to) return;
    this.orphan(to);
    for (const [path, session] of [...this.sessions]) {
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      this.sessions.delete(path);
      session.path = `${to}${path.slice(from.length)}`;
      this.sessions.set(session.path, session);
    }
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await this.options.sync.commit([unwrap(decideMkdir(this.options.sync.state.tree, path, mode))]);
  }

  async rmdir(path: string): Promise<void> {
    await this.options.sync.commit([unwrap(decideRmdir(this.options.sync.state.tree, path))]);
  }

  async chmod(path: string, mode: number): Promise<void> {
    const session = this.sessions.get(path);
    if (session) session.mode = mode & 0o7777;
    if (session?.created) return;
    await this.options.sync.commit([unwrap(decideChmod(this.options.sync.state.tree, path, mode))]);
  }

  statfs(): Promise<FsStatfs> {
    return diskStatfs(this.options.spoolDir, this.options.sync.state.tree.totals.files);
  }

  /** Drops every spool (unsaved bytes of files still open when the mount goes away). */
  async closeAll(): Promise<void> {
    const sessions = [...new Set([...this.handles.values()].map((handle) => handle.session).filter((s): s is WriteSession => !!s))];
    this.handles.clear();
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.dispose()));
  }

  private view(path: string) {
    return resolveView(this.options.sync.state, this.options.sync.streams, path);
  }

  /** The committed content at a mount path, if it is a file. */
  private committed(path: string): FileContent | undefined {
    const view = this.view(path);
    const entry: ViewEntry | undefined = view.ok ? view.value : undefined;
    return entry?.type === 'file' && entry.body.kind === 'chunks' ? entry.body.content : undefined;
  }

  private startSession(path: string, mode: number, created: boolean): WriteSession {
    const session = new WriteSession(path, mode, created, this.options.spoolDir);
    this.sessions.set(path, session);
    return session;
  }

  private truncateSession(session: WriteSession, size: number, changed: boolean): Promise<void> {
    if (size > this.options.writer.maxFileBytes) return Promise.reject(new FsError('EFBIG', 'past the largest file an event can name'));
    return session.serially(async () => {
      await session.materialize(this.committed(session.path), this.options.cache, { limit: size, empty: size === 0 });
      await session.truncate(size, changed);
    });
  }

  /** Stores the session's bytes as chunks and appends one `fs.file_written` for them. */
  private async commit(session: WriteSession): Promise<void> {
    if (!session.dirty || session.orphaned || !session.spooled) return;
    const { fd, size } = session.contents();
    const content = await this.options.writer.storeFile(fd, size);
    const decided = decideWrite(this.options.sync.state.tree, session.path, content, session.mode);
    if (!decided.ok) throw new FsError('EIO', `cannot save ${session.path}: ${decided.reason}`);
    await this.options.sync.commit([decided.value]);
    session.dirty = false;
    session.changed = false;
    session.created = false;
  }

  private orphan(path: string): void {
    const session = this.sessions.get(path);
    if (!session) return;
    session.orphaned = true;
    this.sessions.delete(path);
  }

  private addHandle(handle: Handle): number {
    const id = this.nextHandle;
    this.nextHandle = this.nextHandle >= 0x7fffffff ? 1 : this.nextHandle + 1;
    this.handles.set(id, handle);
    handle.session?.handles.add(id);
    return id;
  }

  private handle(fd: number): Handle {
    const handle = this.handles.get(fd);
    if (!handle) throw new FsError('EBADF');
    return handle;
  }
}
