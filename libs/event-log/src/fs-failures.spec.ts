import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSystemPort } from './fs-port';
import type { KeyringInput } from './keyring';
import { EventLog } from './event-log';
import { nodeFileSystem } from './fs-port';
import { verifyLog } from './verify';
import { makeEvent, makeTempDir, recordingLogger, removeDir, testKeyring } from './testing/log-test-kit';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real file system, with a switchable fault on segment writes or segment fdatasyncs. */
function faultyFs() {
  const segmentFds = new Set<number>();
  const faults = { write: undefined as string | undefined, fdatasync: undefined as string | undefined };
  const port: FileSystemPort = {
    ...nodeFileSystem,
    open: async (path, flags) => {
      const fd = await nodeFileSystem.open(path, flags);
      if (path.endsWith('.seg')) segmentFds.add(fd);
      return fd;
    },
    write: async (fd, buffer, offset, length, position) => {
      if (!faults.write || !segmentFds.has(fd)) return nodeFileSystem.write(fd, buffer, offset, length, position);
      // A disk filling up mid-batch: part of the bytes land, then the write fails.
      await nodeFileSystem.write(fd, buffer, offset, Math.ceil(length / 2), position);
      throw errno(faults.write);
    },
    fdatasync: async (fd) => {
      if (faults.fdatasync && segmentFds.has(fd)) throw errno(faults.fdatasync);
      return nodeFileSystem.fdatasync(fd);
    },
  };
  return { port, faults };
}

describe('file-system failures', () => {
  let dir: string;
  let keyring: KeyringInput;
  let log: EventLog | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
    keyring = testKeyring();
  });

  afterEach(async () => {
    await log?.close().catch(() => undefined);
    await removeDir(dir);
  });

  it('rejects every caller of a batch whose write hits ENOSPC, rolls the file back, and keeps going', async () => {
    // given
    const fs = faultyFs();
    log = await EventLog.open({ dir, keyring, fs: fs.port, logger: recordingLogger() });
    await log.append({ events: [makeEvent()] });
    const segment = join(dir, 'segment-0000000001.seg');
    const sizeBefore = (await stat(segment)).size;

    // when
    fs.faults.write = 'ENOSPC';
    const attempts = await Promise.allSettled([1, 2, 3].map(() => log!.append({ events: [makeEvent()] })));
    fs.faults.write = undefined;

    // then
    expect(attempts.map((attempt) => attempt.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(attempts[0]).toMatchObject({ reason: { name: 'AppendFailedError', code: 'STORE_UNAVAILABLE' } });
    expect((await stat(segment)).size).toBe(sizeBefore);
    expect(log.head().lastSequence).toBe(1);
    expect((await log.append({ events: [makeEvent()] })).result).toMatchObject({ status: 'committed', sequences: [2] });
    await log.close();
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, records: 2 });
  });

  it('fails the batch and halts the store when fdatasync reports EIO', async () => {
    // given
    const fs = faultyFs();
    log = await EventLog.open({ dir, keyring, fs: fs.port, logger: recordingLogger() });
    await log.append({ events: [makeEvent()] });

    // when
    fs.faults.fdatasync = 'EIO';
    const failed = log.append({ events: [makeEvent()] });
    await expect(failed).rejects.toMatchObject({ name: 'StoreHaltedError', code: 'STORE_UNAVAILABLE' });
    fs.faults.fdatasync = undefined;

    // then
    expect(log.halted).toBe(true);
    await expect(log.append({ events: [makeEvent()] })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: 'fsync failed; restart required',
    });
    expect(log.head().lastSequence).toBe(1);
  });

  it('can be reopened after a halt, with a verifiable log', async () => {
    // given
    const fs = faultyFs();
    log = await EventLog.open({ dir, keyring, fs: fs.port, logger: recordingLogger() });
    const kept = makeEvent();
    await log.append({ events: [kept] });
    fs.faults.fdatasync = 'EIO';
    await log.append({ events: [makeEvent()] }).catch(() => undefined);
    await log.close().catch(() => undefined);

    // when
    log = await EventLog.open({ dir, keyring, logger: recordingLogger() });

    // then
    expect((await log.read()).events[0]?.id).toBe(kept.id);
    expect(log.halted).toBe(false);
    expect((await verifyLog(dir, keyring)).ok).toBe(true);
  });
});
