import type { FileSystemPort } from './fs-port';
import { EventLog } from './event-log';
import { nodeFileSystem } from './fs-port';
import { decodePayload, parseRecord } from './record-codec';
import { makeEvent, makeTempDir, recordingLogger, removeDir, testKeyring } from './testing/log-test-kit';

/** A real file system that remembers which event ids were written and which were fdatasynced. */
function observingFs(options: { syncDelayMs?: number } = {}) {
  const pending = new Map<number, string[]>();
  const durable = new Set<string>();
  const writeSizes: number[] = [];
  let fdatasyncs = 0;
  const port: FileSystemPort = {
    ...nodeFileSystem,
    write: async (fd, buffer, offset, length, position) => {
      const written = await nodeFileSystem.write(fd, buffer, offset, length, position);
      const ids = idsIn(buffer.subarray(offset, offset + written));
      if (ids.length > 0) {
        writeSizes.push(written);
        pending.set(fd, [...(pending.get(fd) ?? []), ...ids]);
      }
      return written;
    },
    fdatasync: async (fd) => {
      const covered = pending.get(fd) ?? [];
      pending.delete(fd);
      if (options.syncDelayMs) await new Promise((resolve) => setTimeout(resolve, options.syncDelayMs));
      await nodeFileSystem.fdatasync(fd);
      fdatasyncs += 1;
      for (const id of covered) durable.add(id);
    },
  };
  return { port, durable, writeSizes, fdatasyncs: () => fdatasyncs };
}

function idsIn(bytes: Buffer): string[] {
  const ids: string[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const record = parseRecord(bytes, offset);
    if (record.kind !== 'record') break;
    ids.push(decodePayload(record.payload).id);
    offset += record.size;
  }
  return ids;
}

describe('group commit', () => {
  let dir: string;
  let log: EventLog | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await log?.close();
    await removeDir(dir);
  });

  it('commits 1000 concurrent appends with far fewer fdatasyncs, gapless, each acknowledged only once durable', async () => {
    // given
    const fs = observingFs();
    log = await EventLog.open({ dir, keyring: testKeyring(), fs: fs.port, logger: recordingLogger() });
    const syncsBefore = fs.fdatasyncs();
    const acknowledgedBeforeDurable: string[] = [];

    // when
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const event = makeEvent({ stream: `stream-${i % 7}` });
        return log!.append({ events: [event] }).then((outcome) => {
          if (!fs.durable.has(event.id)) acknowledgedBeforeDurable.push(event.id);
          return outcome;
        });
      }),
    );

    // then
    const sequences = outcomes.flatMap((outcome) => (outcome.result.status === 'committed' ? outcome.result.sequences : []));
    expect([...sequences].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(fs.fdatasyncs() - syncsBefore).toBeLessThan(20);
    expect(acknowledgedBeforeDurable).toEqual([]);
  });

  it('queues appends made while a batch is being synced into the next batch', async () => {
    // given
    const fs = observingFs({ syncDelayMs: 50 });
    log = await EventLog.open({ dir, keyring: testKeyring(), fs: fs.port, logger: recordingLogger() });
    const syncsBefore = fs.fdatasyncs();
    const first = log.append({ events: [makeEvent()] });
    await new Promise((resolve) => setTimeout(resolve, 10));

    // when
    const later = Array.from({ length: 50 }, () => log!.append({ events: [makeEvent()] }));
    await Promise.all([first, ...later]);

    // then
    expect(fs.writeSizes).toHaveLength(2);
    expect(fs.fdatasyncs() - syncsBefore).toBe(2);
  });

  it('splits a burst into batches of at most maxBatchBytes', async () => {
    // given
    const fs = observingFs();
    log = await EventLog.open({ dir, keyring: testKeyring(), fs: fs.port, logger: recordingLogger(), maxBatchBytes: 4096, maxEventBytes: 1024 });

    // when
    await Promise.all(Array.from({ length: 100 }, () => log!.append({ events: [makeEvent({ data: { pad: 'x'.repeat(200) } })] })));

    // then
    expect(fs.writeSizes.length).toBeGreaterThan(5);
    expect(Math.max(...fs.writeSizes)).toBeLessThanOrEqual(4096);
    expect(log.head().lastSequence).toBe(100);
  });
});
