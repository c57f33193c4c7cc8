import type { INestMicroservice } from '@nestjs/common';
// eslint-disable-next-line no-restricted-imports -- the test builds a stream the engine cannot serve a reader from; the service never does
import { AckPolicy, StorageType } from 'nats';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@lighthouse/contracts';
import { EventLog, ReplicatedLog, verifyRecordStore } from '@lighthouse/event-log';
import { createLogger } from '@lighthouse/observability';
import { startNatsCluster, type NatsCluster } from '@lighthouse/testing';
import { connectEngine, EventStoreClient, JetStreamRecordStore, NatsBus, startNatsService, type EngineConnection as NatsConnection } from '@lighthouse/transport';
import { AppModule } from './app.module';
import { runCopyToJetStream } from './verify/copy.command';
import { runVerify } from './verify/verify.command';

const secret = randomBytes(32);
const keyring = { keys: [{ id: 1, secret }], activeKeyId: 1 };
const logger = createLogger('event-store-js-test', 'silent');
const event = (stream: string, data: Record<string, unknown> = {}): NewEvent => ({ id: randomUUID(), type: 'test.happened', stream, agent: 'agent-1', correlationId: 'c', causationId: null, schemaVersion: 1, data });

describe('event-store on a 3-node JetStream cluster (LH_EVENT_BACKEND=jetstream)', () => {
  let cluster: NatsCluster;
  let a: NatsConnection;
  let b: NatsConnection;
  let env: NodeJS.ProcessEnv;
  const output: string[] = [];

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    [a, b] = await Promise.all([connectEngine(cluster.url, undefined, undefined, 'writer-a'), connectEngine(cluster.url, undefined, undefined, 'writer-b')]);
    env = { NATS_URL: cluster.url, LH_EVENT_BACKEND: 'jetstream', LH_EVENT_HMAC_KEYS: `1:${secret.toString('base64')}` };
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (output.push(String(chunk)), true));
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  const openStore = (nc: NatsConnection, stream: string) => JetStreamRecordStore.open(nc, { stream, replicas: 3 });
  const openLog = async (nc: NatsConnection, stream: string) => ReplicatedLog.open({ store: await openStore(nc, stream), keyring, logger, retryDelayMs: 50 });

  it('serves the NATS contract: append, read by stream, conflicts as values, a retried id stored once', async () => {
    const log = await openLog(a, 'SERVICE');
    const publisher = await NatsBus.connect({ servers: cluster.url, name: 'publisher' });
    const service: INestMicroservice = await startNatsService(AppModule.register(log, publisher, logger), { service: 'event-store', natsUrl: cluster.url, logger });
    const bus = await NatsBus.connect({ servers: cluster.url, name: 'client' });
    const client = new EventStoreClient(bus);
    try {
      const once = event('s1', { n: 1 });
      expect(await client.append({ events: [once, event('s1', { n: 2 })] })).toEqual({ status: 'committed', sequences: [1, 2], streamVersion: 2 });
      expect(await client.append({ events: [once] })).toEqual({ status: 'committed', sequences: [1], streamVersion: 1 });
      expect(await client.append({ events: [event('s1')], expectedVersion: 0 })).toEqual({ status: 'conflict', expectedVersion: 0, actualVersion: 2 });
      expect((await client.read({ stream: 's1' })).events.map((e) => e.data['n'])).toEqual([1, 2]);
      expect((await client.head()).lastSequence).toBe(2);
    } finally {
      await bus.close();
      await service.close();
      await publisher.close();
    }
  }, 60_000);

  it('fences two writers on the engine: concurrent appends through both land once each, in one chain', async () => {
    const [first, second] = await Promise.all([openLog(a, 'FENCED'), openLog(b, 'FENCED')]);
    const events = Array.from({ length: 60 }, (_, i) => event(`w${i % 4}`, { i }));
    const outcomes = await Promise.all(events.map((e, i) => (i % 2 ? first : second).append({ events: [e] })));
    const sequences = outcomes.map((o) => (o.result.status === 'committed' ? o.result.sequences[0] : -1));
    expect(new Set(sequences).size).toBe(60);
    expect([...sequences].sort((x, y) => (x as number) - (y as number))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const report = await verifyRecordStore(await openStore(a, 'FENCED'), keyring);
    expect(report).toMatchObject({ ok: true, records: 60, lastSequence: 60 });
    // A third writer started now rebuilds ids and versions from the stream: a retry answers the first sequence
    const third = await openLog(a, 'FENCED');
    expect((await third.append({ events: [events[7] as NewEvent] })).result).toMatchObject({ sequences: [sequences[7]] });
    expect(third.streamVersion('w0')).toBe(15);
  }, 60_000);

  it('verify passes an intact stream and catches an edited, removed or reordered record, and a record deleted in place', async () => {
    const log = await openLog(a, 'GOOD');
    for (let i = 0; i < 6; i++) await log.append({ events: [event('v', { i })] });
    await log.close();
    expect(await runVerify(undefined, { ...env, LH_EVENT_STREAM: 'GOOD' })).toBe(0);
    expect(output.join('')).toMatch(/event log OK: 6 record\(s\)/);
    const good = await openStore(a, 'GOOD');
    const records = (await good.get([1, 2, 3, 4, 5, 6])).map((r) => Buffer.from(r?.bytes as Uint8Array));
    const edited = records.map((r, i) => (i === 2 ? Buffer.from(r).fill(0x41, r.length - 3, r.length - 2) : r));
    const cases: Array<[string, Buffer[], string, number]> = [
      ['EDITED', edited, 'hmac_mismatch', 3],
      ['REMOVED', records.filter((_, i) => i !== 2), 'hmac_mismatch', 3],
      ['REORDERED', [records[0], records[2], records[1], ...records.slice(3)] as Buffer[], 'hmac_mismatch', 2],
    ];
    for (const [stream, copy, kind, sequence] of cases) {
      await rawStream(a, stream, copy);
      output.length = 0;
      expect(await runVerify(undefined, { ...env, LH_EVENT_STREAM: stream })).toBe(1);
      expect(output.join('')).toContain(`${kind}`);
      const report = await verifyRecordStore(await openStore(a, stream), keyring);
      expect(report.problems[0]).toMatchObject({ kind, sequence });
    }
    // Deleted in place (a stream that allows it; ours refuses deletes): a gap in the positions
    // eslint-disable-next-line no-restricted-syntax -- a hostile engine user deletes a record in place; the service never does
    const jsm = await a.jetstreamManager();
    await rawStream(a, 'HOLED', records);
    await jsm.streams.deleteMessage('HOLED', 4);
    expect((await verifyRecordStore(await openStore(a, 'HOLED'), keyring)).problems[0]).toMatchObject({ kind: 'sequence_gap', sequence: 4 });
    await expect(jsm.streams.deleteMessage('GOOD', 2)).rejects.toThrow();
  }, 90_000);

  it('copies a file log into the stream as a verified copy (same chain head), refusing a stream that is not empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lh-es-copy-'));
    try {
      const file = await EventLog.open({ dir, keyring, logger, segmentBytes: 8192 });
      for (let i = 0; i < 120; i++) await file.append({ events: [event(`c${i % 5}`, { i, pad: 'p'.repeat(80) })] });
      const head = file.head();
      const before = await file.read({ limit: 1000 });
      await file.close();
      output.length = 0;
      expect(await runCopyToJetStream(dir, { ...env, LH_EVENT_STREAM: 'COPY' })).toBe(0);
      expect(output.join('')).toContain(`copy verified`);
      const copy = await openLog(a, 'COPY');
      expect(copy.head()).toEqual(head);
      expect((await copy.read({ limit: 1000 })).events).toEqual(before.events);
      await expect(runCopyToJetStream(dir, { ...env, LH_EVENT_STREAM: 'COPY' })).rejects.toThrow(/not empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('bounds a range read the engine cannot serve: a new writer completes its read from the leader instead of hanging in the client library', async () => {
    // A stream that allows one consumer, taken: every consumer a range read creates is refused, and
    // nats.js's ordered consumer would try again about 30 times, 1-3 s apart, inside one fetch.
    // eslint-disable-next-line no-restricted-syntax -- the test builds a stream with its one allowed consumer taken; the service never does
    const jsm = await a.jetstreamManager();
    await jsm.streams.add({ name: 'NOREADER', subjects: ['lh.events.evt.record.v1.NOREADER'], storage: StorageType.File, num_replicas: 3, max_consumers: 1 });
    await jsm.consumers.add('NOREADER', { durable_name: 'taken', ack_policy: AckPolicy.None });
    const writer = await openLog(a, 'NOREADER');
    for (let i = 0; i < 5; i++) await writer.append({ events: [event('bounded', { i })] });
    const warnings: Array<Record<string, unknown>> = [];
    const store = await JetStreamRecordStore.open(b, { stream: 'NOREADER', replicas: 3, readStepMs: 1500, logger: { warn: (context) => warnings.push(context) } });

    const started = Date.now();
    const read: number[] = [];
    for await (const record of store.range(1, 5)) read.push(record.sequence);
    expect(read).toEqual([]);
    expect(Date.now() - started).toBeLessThan(6000);
    // The engine's refusal ends the read at once: the client library does not try again behind it.
    expect(String(warnings[0]?.['stoppedBy'])).toMatch(/maximum consumers/i);

    const opened = Date.now();
    const reader = await ReplicatedLog.open({ store, keyring, logger });
    expect(Date.now() - opened).toBeLessThan(6000);
    expect(reader.head()).toEqual(writer.head());
    expect((await reader.read({ stream: 'bounded' })).events.map((e) => e.data['i'])).toEqual([0, 1, 2, 3, 4]);
    await Promise.all([writer.close(), reader.close()]);
  }, 60_000);
});

/** A stream holding exactly `records`, written unchecked (as someone with engine access could), deletes allowed. */
async function rawStream(nc: NatsConnection, name: string, records: Buffer[]): Promise<void> {
  const store = await JetStreamRecordStore.open(nc, { stream: name, replicas: 3, refuseDeletes: false });
  const id = (record: Buffer | undefined) => (record ? record.subarray(6, 38).toString('hex') : '');
  for (const [i, record] of records.entries()) await store.append([{ id: id(record), bytes: record }], { sequence: i, id: id(records[i - 1]) });
}
