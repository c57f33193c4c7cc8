// The baseline filesystem of the fuse benchmark: a minimal pass-through FUSE filesystem on
// fuse-native (getattr, readdir, open, read, release mapped onto a source folder), mounted with
// the same kernel cache settings as the fuse-mounter, so both answer every call themselves.
import { close, lstat, open, read, readdir } from 'node:fs';
import { join } from 'node:path';
import Fuse from 'fuse-native';

type Reply = (...args: unknown[]) => void;
const errno = (error: NodeJS.ErrnoException | null): number => -(Math.abs(typeof error?.errno === 'number' ? error.errno : 5));

export function runPassthrough(source: string, mountPoint: string): void {
  const at = (path: string) => join(source, path);
  const ops: Record<string, Reply> = {
    getattr: (path, reply) =>
      lstat(at(path as string), (error, stat) => ((reply as Reply)(...(error ? [errno(error)] : [0, stat])))),
    readdir: (path, reply) => readdir(at(path as string), (error, names) => ((reply as Reply)(...(error ? [errno(error)] : [0, names])))),
    open: (path, flags, reply) => open(at(path as string), flags as number, (error, fd) => ((reply as Reply)(...(error ? [errno(error)] : [0, fd])))),
    read: (...args: unknown[]) => {
      const [, fd, buffer, length, position, reply] = args as [string, number, Buffer, number, number, Reply];
      read(fd, buffer, 0, length, position, (error, bytes) => reply(error ? errno(error) : bytes));
    },
    release: (_path, fd, reply) => close(fd as number, (error) => (reply as Reply)(error ? errno(error) : 0)),
  };
  const fuse = new Fuse(mountPoint, ops, { entryTimeout: '0', attrTimeout: '0', fsname: 'passthrough,big_writes' });
  fuse.mount((error) => {
    if (error) {
      process.stderr.write(`passthrough: ${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write('mounted\n');
  });
  const stop = () => fuse.unmount(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
