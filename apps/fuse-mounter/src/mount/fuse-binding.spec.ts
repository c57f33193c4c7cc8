import { constants } from 'node:os';
import { createLogger } from '@lighthouse/observability';
import { FsError } from './fs-error';
import { fuseBinding } from './fuse-binding';
import type { FsOperations } from './fs-operations';

const logger = createLogger('binding-test', 'silent');
const reply = () => {
  const calls: unknown[][] = [];
  const fn = (...args: unknown[]) => void calls.push(args);
  return { fn, calls, settled: () => new Promise((done) => setImmediate(done)) };
};

describe('the fuse-native binding', () => {
  it('answers a refusal with its negative errno and an unexpected failure with -EIO', async () => {
    const ops = {
      getattr: (path: string) => {
        if (path === '/missing') throw new FsError('ENOENT');
        throw new Error('bug');
      },
      unlink: async () => {
        throw new FsError('EROFS');
      },
    } as unknown as FsOperations;
    const binding = fuseBinding(ops, logger);
    const r = reply();
    binding['getattr']?.('/missing', r.fn);
    binding['getattr']?.('/boom', r.fn);
    binding['unlink']?.('/history/x', r.fn);
    await r.settled();
    expect(r.calls).toEqual([[-constants.errno.ENOENT], [-constants.errno.EIO], [-constants.errno.EROFS]]);
  });

  it('answers at once when the work is done at once, later when it is a promise', async () => {
    const ops = { read: (_fd: number, _b: Buffer, length: number) => (length === 1 ? 1 : Promise.resolve(length)) } as unknown as FsOperations;
    const binding = fuseBinding(ops, logger);
    const r = reply();
    binding['read']?.('/current/a', 7, Buffer.alloc(8), 1, 0, r.fn);
    expect(r.calls).toEqual([[1]]);
    binding['read']?.('/current/a', 7, Buffer.alloc(8), 8, 0, r.fn);
    expect(r.calls).toHaveLength(1);
    await r.settled();
    expect(r.calls).toEqual([[1], [8]]);
  });

  it('accepts times and owners in /current and refuses them elsewhere', () => {
    const ops = { getattr: () => ({}) } as unknown as FsOperations;
    const binding = fuseBinding(ops, logger);
    const r = reply();
    binding['utimens']?.('/current/a', 0, 0, r.fn);
    binding['chown']?.('/history/a/1', 0, 0, r.fn);
    expect(r.calls).toEqual([[0], [-constants.errno.EROFS]]);
  });
});
