import { constants } from 'node:os';
import type { Logger } from '@lighthouse/observability';
import { writablePath } from '@lighthouse/shadow-fs';
import { FsError } from './fs-error';
import type { FsOperations } from './fs-operations';

type Reply = (...args: unknown[]) => void;

const EIO = constants.errno.EIO;

/** The negative errno fuse-native wants for an error thrown by an operation. */
function errnoOf(error: unknown, op: string, path: string, logger: Logger): number {
  if (error instanceof FsError) {
    const code = (constants.errno as Record<string, number>)[error.errno];
    return -(code ?? EIO);
  }
  logger.warn({ err: error, op, path }, 'filesystem call failed: answering EIO');
  return -EIO;
}

/** Where the time of each operation goes (the fuse-mounter's `lh_fs_op_seconds`). */
export interface FsOpTiming {
  observe(labels: { op: string; outcome: 'ok' | 'error' }, seconds: number): void;
}

/**
 * fuse-native's callback-style operations, mapped onto {@link FsOperations}: metadata calls
 * answer synchronously (no promise on the hot path), the rest when their promise settles.
 */
export function fuseBinding(ops: FsOperations, logger: Logger, timing?: FsOpTiming): Record<string, Reply> {
  /** Answers at once when the work was done at once, else when its promise settles. */
  const answer = (op: string, path: string, timedReply: Reply, work: () => unknown, map: (value: unknown) => unknown[] = () => [0]) => {
    const started = timing ? performance.now() : 0;
    const reply: Reply = timing
      ? (...args: unknown[]) => {
          timing.observe({ op, outcome: typeof args[0] === 'number' && args[0] < 0 ? 'error' : 'ok' }, (performance.now() - started) / 1000);
          timedReply(...args);
        }
      : timedReply;
    let result: unknown;
    try {
      result = work();
    } catch (error) {
      reply(errnoOf(error, op, path, logger));
      return;
    }
    if (!(result instanceof Promise)) {
      reply(...map(result));
      return;
    }
    result.then(
      (value) => reply(...map(value)),
      (error) => reply(errnoOf(error, op, path, logger)),
    );
  };
  const args = <T extends unknown[]>(raw: unknown[]) => raw as unknown as T;
  return {
    init: (reply: Reply) => reply(0),
    getattr: (path, reply) => answer('getattr', path as string, reply as Reply, () => ops.getattr(path as string), (stat) => [0, stat]),
    readdir: (path, reply) => answer('readdir', path as string, reply as Reply, () => ops.readdir(path as string), (names) => [0, names]),
    statfs: (path, reply) => answer('statfs', path as string, reply as Reply, () => ops.statfs(), (value) => [0, value]),
    open: (path, flags, reply) => answer('open', path as string, reply as Reply, () => ops.open(path as string, flags as number), (fd) => [0, fd]),
    create: (path, mode, reply) => answer('create', path as string, reply as Reply, () => ops.create(path as string, mode as number), (fd) => [0, fd]),
    read: (...raw: unknown[]) => {
      const [path, fd, buffer, length, position, reply] = args<[string, number, Buffer, number, number, Reply]>(raw);
      answer('read', path, reply, () => ops.read(fd, buffer, length, position), (bytes) => [bytes]);
    },
    write: (...raw: unknown[]) => {
      const [path, fd, buffer, length, position, reply] = args<[string, number, Buffer, number, number, Reply]>(raw);
      answer('write', path, reply, () => ops.write(fd, buffer, length, position), (bytes) => [bytes]);
    },
    truncate: (path, size, reply) => answer('truncate', path as string, reply as Reply, () => ops.truncate(path as string, size as number)),
    ftruncate: (path, fd, size, reply) => answer('ftruncate', path as string, reply as Reply, () => ops.ftruncate(fd as number, size as number)),
    flush: (path, fd, reply) => answer('flush', path as string, reply as Reply, () => ops.flush(fd as number)),
    fsync: (path, _datasync, fd, reply) => answer('fsync', path as string, reply as Reply, () => ops.fsync(fd as number)),
    release: (path, fd, reply) => answer('release', path as string, reply as Reply, () => ops.release(fd as number)),
    unlink: (path, reply) => answer('unlink', path as string, reply as Reply, () => ops.unlink(path as string)),
    rename: (from, to, reply) => answer('rename', from as string, reply as Reply, () => ops.rename(from as string, to as string)),
    mkdir: (path, mode, reply) => answer('mkdir', path as string, reply as Reply, () => ops.mkdir(path as string, mode as number)),
    rmdir: (path, reply) => answer('rmdir', path as string, reply as Reply, () => ops.rmdir(path as string)),
    chmod: (path, mode, reply) => answer('chmod', path as string, reply as Reply, () => ops.chmod(path as string, mode as number)),
    chown: (path, _uid, _gid, reply) => answer('chown', path as string, reply as Reply, () => accepted(ops, path as string)),
    utimens: (path, _atime, _mtime, reply) => answer('utimens', path as string, reply as Reply, () => accepted(ops, path as string)),
  } as Record<string, Reply>;
}

/** Owners and times come from the event log: accepted in /current, not recorded; EROFS elsewhere. */
function accepted(ops: FsOperations, path: string): void {
  ops.getattr(path);
  const writable = writablePath(path);
  if (!writable.ok && writable.errno !== 'EACCES') throw new FsError(writable.errno, writable.reason);
}

/**
 * Calls fuse-native must not answer ETIMEDOUT for on its own: those that commit (they have their
 * own deadlines, and a timeout answered while the commit goes on would be a lie) and those that
 * may queue behind a commit of the same file (a late write would still happen).
 */
export const UNTIMED_CALLS = ['flush', 'fsync', 'release', 'truncate', 'ftruncate', 'unlink', 'rename', 'mkdir', 'rmdir', 'chmod', 'open', 'create', 'write'];
