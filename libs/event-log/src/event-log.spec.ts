import { randomBytes } from 'node:crypto';
import { EventLog } from './event-log';
import { verifyLog } from './verify';
import type { KeyringInput } from './keyring';
import { makeEvent, makeTempDir, recordingLogger, removeDir, testKeyring } from './testing/log-test-kit';

describe('EventLog', () => {
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

  const open = async (extra: Partial<Parameters<typeof EventLog.open>[0]> = {}) => {
    log = await EventLog.open({ dir, keyring, logger: recordingLogger(), ...extra });
    return log;
  };

  describe('append and read', () => {
    it('stores events with gapless sequences, stream versions and a commit time, and reads them back', async () => {
      // given
      const store = await open();
      const first = [makeEvent(), makeEvent()];
      const second = [makeEvent({ stream: 'stream-b' })];

      // when
      const a = await store.append({ events: first });
      const b = await store.append({ events: second });
      const read = await store.read({ fromSequence: 1 });

      // then
      expect(a.result).toEqual({ status: 'committed', sequences: [1, 2], streamVersion: 2 });
      expect(b.result).toEqual({ status: 'committed', sequences: [3], streamVersion: 1 });
      expect(a.committed.map((event) => event.id)).toEqual(first.map((event) => event.id));
      expect(read.events.map((event) => [event.sequence, event.stream, event.streamVersion])).toEqual([
        [1, 'stream-a', 1],
        [2, 'stream-a', 2],
        [3, 'stream-b', 1],
      ]);
      expect(read.events[0]).toEqual({ ...first[0], sequence: 1, streamVersion: 1, time: expect.any(String) });
      expect(Number.isNaN(Date.parse(read.events[0]?.time ?? ''))).toBe(false);
      expect(read.nextSequence).toBeNull();
    });

    it('keeps everything across close and reopen, with a verifiable chain', async () => {
      // given
      const store = await open();
      for (let i = 0; i < 5; i++) await store.append({ events: [makeEvent({ data: { i } })] });
      const head = store.head();
      await store.close();

      // when
      const reopened = await open();
      const report = await verifyLog(dir, keyring);

      // then
      expect(reopened.head()).toEqual(head);
      expect(head.lastSequence).toBe(5);
      expect(head.chainHead).toMatch(/^[0-9a-f]{64}$/);
      expect((await reopened.read()).events.map((event) => event.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
      expect(report).toMatchObject({ ok: true, records: 5, lastSequence: 5, chainHead: head.chainHead, problems: [] });
    });

    it('filters by stream, type, agent and time, and paginates with nextSequence', async () => {
      // given
      const store = await open();
      for (let i = 0; i < 6; i++) {
        await store.append({ events: [makeEvent({ stream: i % 2 ? 'odd' : 'even', type: i < 3 ? 'early.kind' : 'late.kind', agent: `agent-${i % 3}` })] });
      }

      // when
      const page1 = await store.read({ stream: 'odd', limit: 2 });
      const page2 = await store.read({ stream: 'odd', limit: 2, fromSequence: page1.nextSequence ?? 0 });
      const byType = await store.read({ type: 'late.kind' });
      const byAgent = await store.read({ agent: 'agent-0' });
      const future = await store.read({ fromTime: new Date(Date.now() + 60_000).toISOString() });

      // then
      expect(page1.events.map((event) => event.sequence)).toEqual([2, 4]);
      expect(page1.nextSequence).toBe(6);
      expect(page2.events.map((event) => event.sequence)).toEqual([6]);
      expect(page2.nextSequence).toBeNull();
      expect(byType.events.map((event) => event.sequence)).toEqual([4, 5, 6]);
      expect(byAgent.events.map((event) => event.sequence)).toEqual([1, 4]);
      expect(future.events).toEqual([]);
      expect(store.streamVersion('odd')).toBe(3);
      expect(store.streamVersion('nobody')).toBe(0);
    });

    it('rejects an append mixing streams, and malformed events, with VALIDATION_FAILED', async () => {
      // given
      const store = await open();

      // when
      const mixed = store.append({ events: [makeEvent(), makeEvent({ stream: 'other' })] });
      const malformed = store.append({ events: [{ ...makeEvent(), id: 'not-a-uuid' }] });
      const empty = store.append({ events: [] });

      // then
      await expect(mixed).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('same stream') });
      await expect(malformed).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(empty).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(store.head().lastSequence).toBe(0);
    });
  });

  describe('limits, conflicts and idempotency', () => {
    it('rejects an oversized event with PAYLOAD_TOO_LARGE and writes nothing of that append', async () => {
      // given
      const store = await open({ maxEventBytes: 1024 });
      await store.append({ events: [makeEvent()] });

      // when
      const attempt = store.append({ events: [makeEvent(), makeEvent({ data: { blob: 'x'.repeat(2000) } })] });

      // then
      await expect(attempt).rejects.toMatchObject({ name: 'EventTooLargeError', code: 'PAYLOAD_TOO_LARGE' });
      expect(store.head().lastSequence).toBe(1);
      expect((await store.append({ events: [makeEvent()] })).result).toMatchObject({ sequences: [2] });
    });

    it('answers a stale expectedVersion with a conflict value, counting appends queued ahead', async () => {
      // given
      const store = await open();
      await store.append({ events: [makeEvent()] });

      // when
      const [ahead, stale, fresh] = await Promise.all([
        store.append({ events: [makeEvent()], expectedVersion: 1 }),
        store.append({ events: [makeEvent()], expectedVersion: 1 }),
        store.append({ events: [makeEvent({ stream: 'new' })], expectedVersion: 0 }),
      ]);

      // then
      expect(ahead.result).toEqual({ status: 'committed', sequences: [2], streamVersion: 2 });
      expect(stale.result).toEqual({ status: 'conflict', expectedVersion: 1, actualVersion: 2 });
      expect(stale.committed).toEqual([]);
      expect(fresh.result).toEqual({ status: 'committed', sequences: [3], streamVersion: 1 });
    });

    it('stores a retried append once and returns the original sequences, even when queued together', async () => {
      // given
      const store = await open();
      const events = [makeEvent(), makeEvent()];
      await store.append({ events: [makeEvent()] });
      const original = await store.append({ events, expectedVersion: 1 });

      // when
      const retry = await store.append({ events, expectedVersion: 1 });
      const twins = [makeEvent()];
      const [one, two] = await Promise.all([store.append({ events: twins }), store.append({ events: twins })]);

      // then
      expect(retry.result).toEqual(original.result);
      expect(retry.committed).toEqual([]);
      expect(one.result).toEqual(two.result);
      expect(two.committed).toEqual([]);
      expect(store.head().lastSequence).toBe(4);
    });

    it('remembers stored ids across a reopen', async () => {
      // given
      const store = await open();
      const event = makeEvent();
      const original = await store.append({ events: [event] });
      await store.close();

      // when
      const reopened = await open();
      const retry = await reopened.append({ events: [event] });

      // then
      expect(retry.result).toEqual(original.result);
      expect(reopened.head().lastSequence).toBe(1);
    });
  });

  describe('keys', () => {
    it('refuses to open without a keyring, with a short key, or with an unknown active key', async () => {
      // given
      const noKeys = { keys: [], activeKeyId: 1 };
      const shortKey = { keys: [{ id: 1, secret: randomBytes(31) }], activeKeyId: 1 };
      const unknownActive = { keys: [{ id: 1, secret: randomBytes(32) }], activeKeyId: 2 };

      // when / then
      for (const bad of [noKeys, shortKey, unknownActive, undefined]) {
        await expect(EventLog.open({ dir, keyring: bad as unknown as KeyringInput })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    });

    it('keeps records written under an old key verifiable after rotating to a new key', async () => {
      // given
      const oldKey = { id: 1, secret: randomBytes(32) };
      const newKey = { id: 2, secret: randomBytes(32) };
      keyring = { keys: [oldKey], activeKeyId: 1 };
      const first = await open();
      await first.append({ events: [makeEvent({ data: { key: 'old' } })] });
      await first.close();

      // when
      keyring = { keys: [oldKey, newKey], activeKeyId: 2 };
      const rotated = await open();
      await rotated.append({ events: [makeEvent({ data: { key: 'new' } })] });
      await rotated.close();
      log = undefined;

      // then
      expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, records: 2 });
      const reopened = await open();
      expect((await reopened.read()).events.map((event) => event.data)).toEqual([{ key: 'old' }, { key: 'new' }]);
      const withoutOldKey = await verifyLog(dir, { keys: [newKey], activeKeyId: 2 });
      expect(withoutOldKey.problems.map((problem) => problem.kind)).toContain('unknown_key');
    });

    it('refuses to open a log with a different secret', async () => {
      // given
      const store = await open();
      await store.append({ events: [makeEvent()] });
      await store.close();
      log = undefined;

      // when
      const attempt = EventLog.open({ dir, keyring: testKeyring(), logger: recordingLogger() });

      // then
      await expect(attempt).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    });
  });

  describe('lifecycle', () => {
    it('finishes queued appends on close and refuses appends afterwards', async () => {
      // given
      const store = await open();
      const pending = Promise.all([1, 2, 3].map(() => store.append({ events: [makeEvent()] })));

      // when
      await store.close();

      // then
      expect((await pending).map((outcome) => outcome.result.status)).toEqual(['committed', 'committed', 'committed']);
      await expect(store.append({ events: [makeEvent()] })).rejects.toMatchObject({ name: 'StoreClosedError', code: 'STORE_UNAVAILABLE' });
    });

    it('opens read-only for inspection and takes no appends', async () => {
      // given
      const store = await open();
      await store.append({ events: [makeEvent()] });
      await store.close();

      // when
      const inspector = await open({ readOnly: true });

      // then
      expect((await inspector.read()).events).toHaveLength(1);
      await expect(inspector.append({ events: [makeEvent()] })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    });
  });
});
