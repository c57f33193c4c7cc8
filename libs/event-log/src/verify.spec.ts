import { copyFile, readFile, truncate, unlink, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyringInput } from './keyring';
import { EventLog } from './event-log';
import { formatVerifyReport, verifyLog } from './verify';
import { makeEvent, makeTempDir, recordingLogger, recordOffsets, removeDir, testKeyring } from './testing/log-test-kit';

const SEGMENT = 'segment-0000000001.seg';

function flipByte(bytes: Buffer, at: number): void {
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
}

describe('tamper evidence', () => {
  let dir: string;
  let keyring: KeyringInput;
  let segment: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    keyring = testKeyring();
    segment = join(dir, SEGMENT);
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  /** A closed log of `count` events, each appended (and checkpointed) on its own. */
  async function buildLog(count: number, into = dir): Promise<EventLog> {
    const log = await EventLog.open({ dir: into, keyring, logger: recordingLogger() });
    for (let i = 1; i <= count; i++) await log.append({ events: [makeEvent({ data: { i } })] });
    await log.close();
    return log;
  }

  const openAgain = (logger = recordingLogger()) => EventLog.open({ dir, keyring, logger });

  it('reports the signed checkpoint it read: its sequence and chain head are the log\'s after a clean close', async () => {
    // given
    await buildLog(5);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.ok).toBe(true);
    expect(report.checkpoint).toEqual({ lastSequence: 5, chainHead: report.chainHead, keyId: expect.any(Number) });
  });

  it('reports no checkpoint when its HMAC does not check', async () => {
    // given
    await buildLog(3);
    const bytes = await readFile(join(dir, 'checkpoint'));
    flipByte(bytes, 20);
    await writeFile(join(dir, 'checkpoint'), bytes);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.ok).toBe(false);
    expect(report.checkpoint).toBeUndefined();
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_forged' })]);
  });

  it('reports an edited byte as an HMAC mismatch at that record, and open refuses naming segment, offset and sequence', async () => {
    // given
    await buildLog(20);
    const records = await recordOffsets(segment);
    const tenth = records[9]!;
    const bytes = await readFile(segment);
    flipByte(bytes, tenth.offset + tenth.size - 1);
    await writeFile(segment, bytes);

    // when
    const report = await verifyLog(dir, keyring);
    const opening = openAgain();

    // then
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'hmac_mismatch', segment: SEGMENT, offset: tenth.offset, sequence: 10 })]);
    await expect(opening).rejects.toMatchObject({ name: 'LogCorruptedError', message: expect.stringContaining(`${SEGMENT} at offset ${tenth.offset}, sequence 10`) });
  });

  it('reports a record deleted from the middle as a sequence gap', async () => {
    // given
    await buildLog(20);
    const tenth = (await recordOffsets(segment))[9]!;
    const bytes = await readFile(segment);
    await writeFile(segment, Buffer.concat([bytes.subarray(0, tenth.offset), bytes.subarray(tenth.offset + tenth.size)]));

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems[0]).toMatchObject({ kind: 'sequence_gap', offset: tenth.offset, sequence: 11 });
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogCorruptedError' });
  });

  it('reports two swapped records', async () => {
    // given
    await buildLog(20);
    const records = await recordOffsets(segment);
    const [a, b] = [records[9]!, records[10]!];
    const bytes = await readFile(segment);
    const swapped = Buffer.concat([
      bytes.subarray(0, a.offset),
      bytes.subarray(b.offset, b.offset + b.size),
      bytes.subarray(a.offset, a.offset + a.size),
      bytes.subarray(b.offset + b.size),
    ]);
    await writeFile(segment, swapped);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems[0]).toMatchObject({ kind: 'sequence_gap', offset: a.offset, sequence: 11 });
    expect(report.lastSequence).toBe(9);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogCorruptedError' });
  });

  it('reports an impossible length mid-file', async () => {
    // given
    await buildLog(20);
    const fifth = (await recordOffsets(segment))[4]!;
    const bytes = await readFile(segment);
    bytes.writeUInt32BE(0xffffffff, fifth.offset);
    await writeFile(segment, bytes);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'bad_length', offset: fifth.offset, sequence: 5 })]);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogCorruptedError' });
  });

  it('catches acknowledged records cut off the tail through the checkpoint', async () => {
    // given
    await buildLog(20);
    const eighteenth = (await recordOffsets(segment))[17]!;
    await truncate(segment, eighteenth.offset);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_mismatch', sequence: 20 })]);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogRolledBackError', message: expect.stringContaining('rolled back or truncated') });
  });

  it('refuses to cut an acknowledged record that was torn in half', async () => {
    // given
    await buildLog(20);
    const last = (await recordOffsets(segment))[19]!;
    await truncate(segment, last.offset + 10);

    // when
    const report = await verifyLog(dir, keyring);

    // then
    expect(report.problems.map((problem) => problem.kind)).toEqual(['torn_tail', 'checkpoint_mismatch']);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogRolledBackError' });
  });

  it('cuts an unacknowledged torn last record back on open and logs the offset and dropped bytes', async () => {
    // given
    await buildLog(20);
    const bytes = await readFile(segment);
    const first = (await recordOffsets(segment))[0]!;
    await appendFile(segment, bytes.subarray(first.offset, first.offset + 25));
    const logger = recordingLogger();

    // when
    const before = await verifyLog(dir, keyring);
    const log = await openAgain(logger);
    await log.close();
    const after = await verifyLog(dir, keyring);

    // then
    expect(before.ok).toBe(true);
    expect(before.problems).toEqual([expect.objectContaining({ kind: 'torn_tail', severity: 'recoverable', offset: bytes.length, sequence: 21 })]);
    expect(logger.warnings).toEqual([{ message: expect.stringContaining('torn'), details: { segment: SEGMENT, offset: bytes.length, droppedBytes: 25 } }]);
    expect((await readFile(segment)).length).toBe(bytes.length);
    expect(after).toMatchObject({ ok: true, problems: [], lastSequence: 20 });
  });

  it('treats a zero-filled tail (extended but never written) as torn', async () => {
    // given
    await buildLog(3);
    const size = (await readFile(segment)).length;
    await appendFile(segment, Buffer.alloc(4096));

    // when
    const log = await openAgain();
    await log.close();

    // then
    expect((await readFile(segment)).length).toBe(size);
    expect(log.head().lastSequence).toBe(3);
  });

  it('detects a rollback: old segments restored next to a newer checkpoint', async () => {
    // given
    const backup = await makeTempDir();
    await buildLog(10);
    await copyFile(segment, join(backup, SEGMENT));
    const log = await openAgain();
    for (let i = 0; i < 5; i++) await log.append({ events: [makeEvent()] });
    await log.close();

    // when
    await copyFile(join(backup, SEGMENT), segment);
    const report = await verifyLog(dir, keyring);
    await removeDir(backup);

    // then
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_mismatch', message: expect.stringContaining('log ends at sequence 10') })]);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogRolledBackError' });
  });

  it('detects a different history of the same length under the same key', async () => {
    // given
    const other = await makeTempDir();
    await buildLog(10);
    await buildLog(12, other);

    // when
    await copyFile(join(other, SEGMENT), segment);
    const report = await verifyLog(dir, keyring);
    await removeDir(other);

    // then
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_mismatch', message: expect.stringContaining('chain head at sequence 10 differs') })]);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogRolledBackError' });
  });

  it('rejects a forged or missing checkpoint', async () => {
    // given
    await buildLog(5);
    const checkpoint = join(dir, 'checkpoint');
    const genuine = await readFile(checkpoint);
    const forged = Buffer.from(genuine);
    forged.writeBigUInt64BE(3n, 8);
    await writeFile(checkpoint, forged);

    // when
    const forgedReport = await verifyLog(dir, keyring);
    const forgedOpen = openAgain();
    await expect(forgedOpen).rejects.toMatchObject({ name: 'LogCorruptedError' });
    await unlink(checkpoint);
    const missingReport = await verifyLog(dir, keyring);

    // then
    expect(forgedReport.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_forged' })]);
    expect(missingReport.problems).toEqual([expect.objectContaining({ kind: 'checkpoint_missing' })]);
    await expect(openAgain()).rejects.toMatchObject({ name: 'LogCorruptedError', message: expect.stringContaining('checkpoint_missing') });
  });

  it('formats a report for humans', async () => {
    // given
    await buildLog(3);
    await truncate(segment, (await recordOffsets(segment))[2]!.offset);
    const report = await verifyLog(dir, keyring);

    // when
    const text = formatVerifyReport(report);

    // then
    expect(text).toContain('event log FAILED: 2 record(s) in 1 segment(s), last sequence 2');
    expect(text).toContain('[error] checkpoint_mismatch checkpoint @0 sequence 3');
  });

  it('serves the verified prefix of a damaged log when opened read-only', async () => {
    // given
    await buildLog(10);
    const sixth = (await recordOffsets(segment))[5]!;
    const bytes = await readFile(segment);
    flipByte(bytes, sixth.offset + sixth.size - 1);
    await writeFile(segment, bytes);

    // when
    const inspector = await EventLog.open({ dir, keyring, readOnly: true, logger: recordingLogger() });

    // then
    expect(inspector.problems.map((problem) => problem.kind)).toEqual(['hmac_mismatch']);
    expect((await inspector.read()).events.map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(await readFile(segment)).toEqual(bytes);
    await inspector.close();
  });

  it('verifies large reads too (checked on the worker thread)', async () => {
    // given
    const log = await EventLog.open({ dir, keyring, logger: recordingLogger() });
    await log.append({ events: Array.from({ length: 300 }, (_, i) => makeEvent({ data: { i } })) });
    const victim = (await recordOffsets(segment))[199]!;
    const bytes = await readFile(segment);
    flipByte(bytes, victim.offset + victim.size - 1);
    await writeFile(segment, bytes);

    // when
    const before = await log.read({ fromSequence: 1, limit: 199 });
    const reading = log.read({ fromSequence: 1, limit: 1000 });

    // then
    expect(before.events).toHaveLength(199);
    await expect(reading).rejects.toMatchObject({ name: 'RecordVerificationError', sequence: 200 });
    await log.close();
  });

  it('verifies each record again when it is read', async () => {
    // given
    await buildLog(5);
    const log = await openAgain();
    const third = (await recordOffsets(segment))[2]!;
    const bytes = await readFile(segment);
    flipByte(bytes, third.offset + third.size - 1);
    await writeFile(segment, bytes);

    // when
    const reading = log.read({ fromSequence: 3, limit: 1 });

    // then
    await expect(reading).rejects.toMatchObject({ name: 'RecordVerificationError', sequence: 3 });
    expect((await log.read({ fromSequence: 4 })).events).toHaveLength(2);
    await log.close();
  });
});
