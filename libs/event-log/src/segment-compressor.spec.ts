import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KeyringInput } from './keyring';
import { EventLog } from './event-log';
import { nodeFileSystem, type FileSystemPort } from './fs-port';
import { verifyLog } from './verify';
import { makeEvent, makeTempDir, recordingLogger, removeDir, segmentNames, testKeyring } from './testing/log-test-kit';

const seg = (index: number) => `segment-${String(index).padStart(10, '0')}.seg`;

describe('segment rotation and compression', () => {
  let dir: string;
  let keyring: KeyringInput;
  let log: EventLog | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
    keyring = testKeyring();
  });

  afterEach(async () => {
    await log?.close();
    log = undefined;
    await removeDir(dir);
  });

  const open = async () => {
    log = await EventLog.open({ dir, keyring, segmentBytes: 2048, logger: recordingLogger() });
    return log;
  };

  /** Appends `count` events one by one to a small-segment log, then closes it. */
  async function fill(count: number): Promise<string[]> {
    const store = await open();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = makeEvent({ stream: `s-${i % 3}`, data: { i, pad: 'p'.repeat(100) } });
      ids.push(event.id);
      await store.append({ events: [event] });
    }
    await store.close();
    log = undefined;
    return ids;
  }

  it('seals full segments, gzips them, and reads across plain and compressed segments', async () => {
    // given
    const ids = await fill(60);

    // when
    const names = await segmentNames(dir);
    const store = await open();
    const all = await store.read({ limit: 1000 });
    const stream = await store.read({ stream: 's-1', fromSequence: 10 });

    // then
    expect(names.length).toBeGreaterThan(3);
    expect(names.slice(0, -1).every((name) => name.endsWith('.seg.gz'))).toBe(true);
    expect(names.at(-1)).toMatch(/\.seg$/);
    expect(all.events.map((event) => event.id)).toEqual(ids);
    expect(stream.events.map((event) => event.sequence)).toEqual(ids.map((_, i) => i + 1).filter((s) => s >= 10 && (s - 1) % 3 === 1));
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, records: 60, segments: names.length });
  });

  it('stores the original segment bytes inside the gzip copy', async () => {
    // given
    await fill(30);
    const [first] = await segmentNames(dir);

    // when
    const inflated = gunzipSync(await readFile(join(dir, first!)));

    // then
    expect(first).toBe(`${seg(1)}.gz`);
    expect(inflated.length).toBeGreaterThanOrEqual(2048);
    expect(inflated.readUInt32BE(0) + 38).toBeLessThanOrEqual(inflated.length);
  });

  it('serves reads while appends rotate and compress underneath', async () => {
    // given
    const store = await open();

    // when
    const reads: Array<Promise<unknown>> = [];
    for (let i = 0; i < 80; i++) {
      await store.append({ events: [makeEvent({ data: { i, pad: 'q'.repeat(100) } })] });
      reads.push(store.read({ fromSequence: 1, limit: 1000 }));
    }
    const results = (await Promise.all(reads)) as Array<{ events: unknown[] }>;

    // then
    expect(results.map((result) => result.events.length)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  });

  it('recovers a crash after the copy was renamed but before the plain segment was removed', async () => {
    // given
    const ids = await fill(30);
    const gz = join(dir, `${seg(1)}.gz`);
    await writeFile(join(dir, seg(1)), gunzipSync(await readFile(gz)));
    await writeFile(gz, Buffer.from('not really gzip'));

    // when
    const before = await verifyLog(dir, keyring);
    const store = await open();
    const events = (await store.read({ limit: 1000 })).events;
    await store.close();

    // then
    expect(before.ok).toBe(true);
    expect(before.problems.map((problem) => problem.kind)).toEqual(['duplicate_segment']);
    expect(events.map((event) => event.id)).toEqual(ids);
    expect((await segmentNames(dir)).filter((name) => name.startsWith(seg(1)))).toEqual([`${seg(1)}.gz`]);
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, problems: [] });
  });

  it('recovers a crash that left a temp copy, and one that happened before compression started', async () => {
    // given
    const ids = await fill(30);
    const gz = join(dir, `${seg(1)}.gz`);
    await writeFile(join(dir, seg(1)), gunzipSync(await readFile(gz)));
    await unlink(gz);
    await writeFile(join(dir, `${seg(1)}.gz.tmp`), Buffer.from('half a gzip'));
    await writeFile(join(dir, seg(2)), gunzipSync(await readFile(join(dir, `${seg(2)}.gz`))));
    await unlink(join(dir, `${seg(2)}.gz`));

    // when
    const store = await open();
    const events = (await store.read({ limit: 1000 })).events;
    await store.close();
    const names = await segmentNames(dir);

    // then
    expect(events.map((event) => event.id)).toEqual(ids);
    expect(names.slice(0, 2)).toEqual([`${seg(1)}.gz`, `${seg(2)}.gz`]);
    expect(names.some((name) => name.endsWith('.tmp'))).toBe(false);
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, problems: [] });
  });

  it.each([
    ['inflates to other bytes', (plain: Buffer) => gzipSync(Buffer.concat([plain.subarray(0, 100), Buffer.from([plain[100]! ^ 1]), plain.subarray(101)]))],
    ['inflates to one byte less', (plain: Buffer) => gzipSync(plain.subarray(0, -1))],
    ['inflates to one byte more', (plain: Buffer) => gzipSync(Buffer.concat([plain, Buffer.from([0])]))],
    ['is not gzip', () => Buffer.from('not gzip at all')],
  ])('keeps the plain segment when its compressed copy %s', async (_, forge: (plain: Buffer) => Buffer) => {
    // given: the copy read back for the check is not the one the segment deflates to
    const logger = recordingLogger();
    const readBack: FileSystemPort = {
      ...nodeFileSystem,
      readFile: async (path) => (path.endsWith(`${seg(1)}.gz`) ? forge(await readFile(join(dir, seg(1)))) : nodeFileSystem.readFile(path)),
    };
    const store = await EventLog.open({ dir, keyring, segmentBytes: 2048, logger, fs: readBack });
    const ids: string[] = [];

    // when
    for (let i = 0; i < 20; i++) {
      const event = makeEvent({ data: { i, pad: 'p'.repeat(100) } });
      ids.push(event.id);
      await store.append({ events: [event] });
    }
    await store.close();
    const names = await segmentNames(dir);

    // then
    expect(logger.errors).toContain('segment compression failed');
    expect(names).toContain(seg(1));
    expect(names).not.toContain(`${seg(1)}.gz`);
    expect(names).toContain(`${seg(2)}.gz`);
    const reopened = await open();
    expect((await reopened.read({ limit: 1000 })).events.map((event) => event.id)).toEqual(ids);
    await reopened.close();
    log = undefined;
    // Reopened on an honest file system, the plain segment is compressed again.
    expect(await segmentNames(dir)).toContain(`${seg(1)}.gz`);
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, problems: [] });
  });

  it('treats a sealed segment that vanished as corruption', async () => {
    // given
    await fill(30);
    await unlink(join(dir, `${seg(2)}.gz`));

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems[0]).toMatchObject({ kind: 'missing_segment', segment: seg(2) });
    await expect(open()).rejects.toMatchObject({ name: 'LogCorruptedError' });
  });
});
