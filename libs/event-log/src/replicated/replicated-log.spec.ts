import { EventLog } from '../event-log';
import { Keyring } from '../keyring';
import { LogCorruptedError } from '../errors/log-corrupted.error';
import { LogRolledBackError } from '../errors/log-rolled-back.error';
import { HMAC_OFFSET } from '../record-codec';
import { MemoryRecordStore } from '../testing/memory-record-store';
import { makeEvent, makeTempDir, removeDir, testKeyring } from '../testing/log-test-kit';
import { positionsAfter } from './chain-position';
import { copyFileLogToStore } from './copy-file-log';
import { ReplicatedLog } from './replicated-log';
import { verifyRecordStore } from './replicated-verify';

const silent = { warn: () => undefined, error: () => undefined };
const keyring = Keyring.from(testKeyring([1, 2], 2));
const open = (store: MemoryRecordStore) => ReplicatedLog.open({ store, keyring, logger: silent, retryDelayMs: 5, checkpointIntervalMs: 0 });

describe('the event log on a replicated store', () => {
  it('appends, reads back by stream, answers conflicts as values and stores a retried id once', async () => {
    const store = new MemoryRecordStore();
    const log = await open(store);
    const first = await log.append({ events: [makeEvent({ stream: 'a' }), makeEvent({ stream: 'a' })] });
    expect(first.result).toEqual({ status: 'committed', sequences: [1, 2], streamVersion: 2 });
    const retried = makeEvent({ stream: 'b' });
    const once = await log.append({ events: [retried] });
    expect((await log.append({ events: [retried] })).result).toEqual(once.result);
    expect((await log.append({ events: [makeEvent({ stream: 'a' })], expectedVersion: 1 })).result).toEqual({ status: 'conflict', expectedVersion: 1, actualVersion: 2 });
    expect((await log.read({ stream: 'a' })).events.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(store.last).toBe(3);
    const report = await verifyRecordStore(store, keyring);
    expect(report).toMatchObject({ ok: true, records: 3, lastSequence: 3, chainHead: log.head().chainHead });
  });

  it('fences a second writer: its append fails on the engine, it reads the first writer\'s records and lands after them', async () => {
    const store = new MemoryRecordStore();
    const a = await open(store);
    const b = await open(store);
    const fromA = makeEvent({ stream: 's' });
    await a.append({ events: [fromA] });
    // B still believes the log is empty: its append is refused by the store, then retried after reading A's
    const fromB = await b.append({ events: [makeEvent({ stream: 's' })] });
    expect(fromB.result).toEqual({ status: 'committed', sequences: [2], streamVersion: 2 });
    expect(store.appends).toBe(3);
    // B answers a retry of A's event with A's sequence (its ids were rebuilt from the store)
    expect((await b.append({ events: [fromA] })).result).toEqual({ status: 'committed', sequences: [1], streamVersion: 1 });
    // A, behind, does not answer a false conflict from what it saw: it reads the store and lands after B
    expect((await a.append({ events: [makeEvent({ stream: 's' })], expectedVersion: 2 })).result).toEqual({ status: 'committed', sequences: [3], streamVersion: 3 });
    expect(await verifyRecordStore(store, keyring)).toMatchObject({ ok: true, lastSequence: 3 });
  });

  it('retries an append whose batch was cut after a prefix landed: every event once, at the sequence acknowledged', async () => {
    const store = new MemoryRecordStore();
    const log = await open(store);
    store.failNext = { afterStoring: 1 };
    const events = [makeEvent(), makeEvent(), makeEvent()];
    const outcomes = await Promise.all(events.map((event) => log.append({ events: [event] })));
    expect(outcomes.map((o) => o.result)).toEqual([1, 2, 3].map((sequence) => ({ status: 'committed', sequences: [sequence], streamVersion: sequence })));
    const stored = (await log.read({})).events;
    expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await verifyRecordStore(store, keyring)).toMatchObject({ ok: true, records: 3 });
  });

  it('never lands a pipelined record behind another writer\'s: a refused record refuses the ones after it (the fork the fault test found)', async () => {
    const store = new MemoryRecordStore();
    const log = await open(store);
    await log.append({ events: [makeEvent()] });
    // Given a second writer whose record lands (validly, after record 1) just before our next batch's first record
    const other = new MemoryRecordStore();
    other.records.set(1, store.records.get(1) as Uint8Array);
    other.last = 1;
    await (await open(other)).append({ events: [makeEvent()] });
    store.intrude = { beforeRecord: 0, bytes: other.records.get(2) as Uint8Array };
    const batch = [makeEvent(), makeEvent(), makeEvent()];
    const outcomes = await Promise.all(batch.map((event) => log.append({ events: [event] })));
    // Then our records after the refused first one were refused too (fenced by the record before
    // them, not only the position), and all three landed after the other writer's, in one chain
    expect(outcomes.map((o) => o.result)).toEqual([3, 4, 5].map((sequence) => ({ status: 'committed', sequences: [sequence], streamVersion: sequence })));
    expect(await verifyRecordStore(store, keyring)).toMatchObject({ ok: true, lastSequence: 5 });
  });

  it('fails an append with STORE_UNAVAILABLE when the store does not take it before the deadline', async () => {
    const store = new MemoryRecordStore();
    const log = await ReplicatedLog.open({ store, keyring, logger: silent, retryDelayMs: 5, retryDeadlineMs: 50 });
    store.lastSequence = () => Promise.reject(new Error('no quorum'));
    store.failNext = { afterStoring: 0 };
    await expect(log.append({ events: [makeEvent()] })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('opens a log whose first reads stop short (a node lost while a new writer starts): it reads on from where it stopped, every event there', async () => {
    const store = new MemoryRecordStore();
    const first = await open(store);
    for (let i = 0; i < 10; i++) await first.append({ events: [makeEvent({ data: { i } })] });
    await first.close();
    store.cutReads = { after: 3, times: 2 };
    const second = await ReplicatedLog.open({ store, keyring, logger: silent, retryDelayMs: 5, checkpointIntervalMs: 0, openRetryDeadlineMs: 5_000 });
    expect(store.cutReads.times).toBe(0);
    expect(second.head().lastSequence).toBe(10);
    expect((await second.read({})).events.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A store that keeps stopping short is refused once the deadline passes, as before.
    store.cutReads = { after: 3, times: 1_000 };
    await expect(ReplicatedLog.open({ store, keyring, logger: silent, retryDelayMs: 5, checkpointIntervalMs: 0, openRetryDeadlineMs: 300 })).rejects.toThrow(/no stream leader/);
  });

  it('opens at once when its range reads are served by a replica stuck behind the signed checkpoint: the rest is read from the current copy (issue 19)', async () => {
    const store = new MemoryRecordStore();
    const first = await open(store);
    for (let i = 0; i < 600; i++) await first.append({ events: [makeEvent({ data: { i } })] });
    await first.close();
    // Given every range read answered by a node that restarted and holds only the first 40
    // records (the fault suite: checkpoint at 13845, store read to 12040), while the leader holds 600
    store.replicaEndsAt = 40;
    const started = Date.now();
    const second = await ReplicatedLog.open({ store, keyring, logger: silent, checkpointIntervalMs: 0, openRetryDeadlineMs: 2_000 });
    // Then it opened on the first read, not at the deadline, with every record verified, and
    // asked the leader for the 560 missing ones in chunks
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(store.rangeReads).toBe(1);
    expect(store.gets).toBe(3);
    expect(second.head().lastSequence).toBe(600);
    expect((await second.read({ fromSequence: 590 })).events.map((e) => (e.data as { i: number }).i)).toEqual([589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599]);
    // And a writer behind the stuck replica still appends after the leader's end
    expect((await second.append({ events: [makeEvent()] })).result).toMatchObject({ status: 'committed', sequences: [601] });
    expect(await verifyRecordStore(store, keyring)).toMatchObject({ ok: true, lastSequence: 601 });
  });

  it('cuts the positions asked of the current copy into bounded chunks', () => {
    expect(positionsAfter(40, 45, 4)).toEqual([[41, 42, 43, 44], [45]]);
    expect(positionsAfter(5, 5, 4)).toEqual([]);
  });

  describe('verify and open catch', () => {
    const tampered = async (change: (store: MemoryRecordStore) => void) => {
      const store = new MemoryRecordStore();
      const log = await open(store);
      for (let i = 0; i < 5; i++) await log.append({ events: [makeEvent({ data: { i } })] });
      change(store);
      return store;
    };
    const flip = (bytes: Uint8Array, at: number) => {
      const copy = Uint8Array.from(bytes);
      copy[at] = (copy[at] as number) ^ 1;
      return copy;
    };

    it.each([
      ['an edited record', (s: MemoryRecordStore) => s.records.set(3, flip(s.records.get(3) as Uint8Array, (s.records.get(3) as Uint8Array).length - 2)), 'hmac_mismatch', 3],
      ['an edited HMAC', (s: MemoryRecordStore) => s.records.set(2, flip(s.records.get(2) as Uint8Array, HMAC_OFFSET)), 'hmac_mismatch', 2],
      ['a removed record', (s: MemoryRecordStore) => s.records.delete(2), 'sequence_gap', 2],
      [
        'two records swapped',
        (s: MemoryRecordStore) => {
          const [two, three] = [s.records.get(2), s.records.get(3)] as Uint8Array[];
          s.records.set(2, three as Uint8Array).set(3, two as Uint8Array);
        },
        'hmac_mismatch',
        2,
      ],
    ])('%s', async (_what, change, kind, sequence) => {
      const store = await tampered(change);
      const report = await verifyRecordStore(store, keyring);
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ kind, sequence });
      expect(report.lastSequence).toBe(sequence - 1);
      await expect(open(store)).rejects.toBeInstanceOf(LogCorruptedError);
    });

    it('a truncated tail, by the signed checkpoint', async () => {
      const store = await tampered((s) => {
        s.records.delete(5);
        s.last = 4;
      });
      expect((await verifyRecordStore(store, keyring)).problems).toEqual([expect.objectContaining({ kind: 'checkpoint_mismatch', sequence: 5 })]);
      // Read again until the deadline (a node answering before it caught up looks alike), then refused.
      const started = Date.now();
      await expect(ReplicatedLog.open({ store, keyring, logger: silent, checkpointIntervalMs: 0, openRetryDeadlineMs: 500 })).rejects.toBeInstanceOf(LogRolledBackError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    });

    it('a store that answers short of the checkpoint at first (a node not caught up yet) is read again, not taken for a rollback', async () => {
      const store = await tampered(() => undefined);
      const tail = store.records.get(5) as Uint8Array;
      store.records.delete(5);
      store.last = 4;
      setTimeout(() => {
        store.records.set(5, tail);
        store.last = 5;
      }, 200);
      const log = await ReplicatedLog.open({ store, keyring, logger: silent, checkpointIntervalMs: 0, openRetryDeadlineMs: 5_000 });
      expect(log.head().lastSequence).toBe(5);
    });

    it('a record of another log (other keys) and nothing on an intact store', async () => {
      const store = await tampered(() => undefined);
      expect((await verifyRecordStore(store, keyring)).ok).toBe(true);
      expect((await verifyRecordStore(store, testKeyring([2]))).problems[0]).toMatchObject({ kind: 'hmac_mismatch', sequence: 1 });
    });
  });

  describe('a verified copy of a file log', () => {
    let dir: string;
    beforeEach(async () => (dir = await makeTempDir()));
    afterEach(() => removeDir(dir));

    it('holds the same records, verifies, ends at the same chain head, and serves the same events', async () => {
      const fileKeyring = Keyring.from(testKeyring([1]));
      const source = await EventLog.open({ dir: `${dir}/log`, keyring: fileKeyring, logger: silent, segmentBytes: 4096 });
      for (let i = 0; i < 60; i++) await source.append({ events: [makeEvent({ stream: `s${i % 3}`, data: { i, pad: 'x'.repeat(100) } })] });
      const head = source.head();
      const before = await source.read({ limit: 1000 });
      await source.close();
      const store = new MemoryRecordStore();
      const report = await copyFileLogToStore(`${dir}/log`, fileKeyring, store, { chunk: 7 });
      expect(report).toMatchObject({ ok: true, copied: 60, source: head, target: { ok: true, lastSequence: 60, chainHead: head.chainHead } });
      const copy = await ReplicatedLog.open({ store, keyring: fileKeyring, logger: silent });
      expect((await copy.read({ limit: 1000 })).events).toEqual(before.events);
      await expect(copyFileLogToStore(`${dir}/log`, fileKeyring, store)).rejects.toThrow(/not empty/);
    });
  });
});
