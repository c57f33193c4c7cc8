import { randomBytes } from 'node:crypto';
import { BUS_EVENTS, JETSTREAM_BUCKETS, JETSTREAM_STREAMS, decisionGroupSubject, perAgentSubject, NATS_SERVICE_CONTEXTS, natsAuthorizationConfig, natsInboxPrefix, type NatsServiceUser, type NatsUserSecret } from '@lighthouse/contracts';
import { NATS_OBSERVER_USER, startNats, type NatsHandle, type NatsLogin } from '@lighthouse/testing';
import { JetStreamRecordStore, NatsBus, ObjectSnapshotStore } from '@lighthouse/transport';
import { connect, RetentionPolicy, StorageType, type NatsConnection } from 'nats';

// Boundary: JetStream. Every service has its own NATS user limited to its subjects, and that
// includes the JetStream API: a service may manage only the streams, consumers and buckets it
// owns, and read only those it reads. The fuse-mounter runs beside agents (its password sits in
// their pod), so its login is taken as stolen here, and the gateway's as a second non-owner.
// Each service sets its resources up through the code it runs with (the event log's store, the
// bus's streams, the snapshot store), under its own user, on a NATS with the deployed users.

const EVENT_LOG = 'LH_EVENTS';
const CHECKPOINT_STREAM = `KV_${EVENT_LOG}_CHECKPOINT`;
const SNAPSHOTS = JETSTREAM_BUCKETS.snapshots;
const FORWARDER = 'event-store-forwarder';

describe('JetStream: each service manages only what it owns', () => {
  let nats: NatsHandle;
  let users: NatsUserSecret[];
  let observer: NatsConnection;
  const open: Array<{ close(): Promise<void> }> = [];

  const loginOf = (user: NatsServiceUser): NatsLogin => ({ user, pass: users.find((u) => u.user === user)!.password });
  const raw = async (user: NatsServiceUser): Promise<NatsConnection> => {
    const nc = await connect({ servers: nats.url, ...loginOf(user), inboxPrefix: natsInboxPrefix(user), name: `as-${user}`, reconnect: false, timeout: 2_000 });
    open.push(nc);
    return nc;
  };
  const bus = async (user: NatsServiceUser): Promise<NatsBus> => {
    const b = await NatsBus.connect({ servers: nats.url, name: `as-${user}`, ...loginOf(user) });
    open.push(b);
    return b;
  };
  const manager = async (user: NatsServiceUser) => (await raw(user)).jetstreamManager({ timeout: 1_500, checkAPI: false });
  const observed = () => observer.jetstreamManager({ timeout: 2_000 });

  beforeAll(async () => {
    users = (Object.keys(NATS_SERVICE_CONTEXTS) as NatsServiceUser[]).map((user) => ({ user, password: randomBytes(18).toString('base64url') }));
    const watcher: NatsLogin = { user: NATS_OBSERVER_USER, pass: randomBytes(18).toString('base64url') };
    nats = await startNats({ auth: { observer: watcher, config: natsAuthorizationConfig(users, [`    { user: ${JSON.stringify(watcher.user)}, password: ${JSON.stringify(watcher.pass)} }`]) } });
    observer = await connect({ servers: nats.url, ...watcher });

    // The event store: the replicated log's stream and its signed checkpoint.
    const log = await JetStreamRecordStore.open(await raw('event-store'), { stream: EVENT_LOG, replicas: 1 });
    await log.writeCheckpoint(new Uint8Array([1, 2, 3]));
    // The speed layer: the decision journal's streams and its forwarder's durable consumers.
    const speed = await bus('speed-layer');
    for (const stream of [JETSTREAM_STREAMS.decisions, JETSTREAM_STREAMS.decisionGroups]) {
      await speed.streams.ensure({ name: stream, subjects: [stream === JETSTREAM_STREAMS.decisions ? (BUS_EVENTS.decisionJournaled.subject as string) : decisionGroupSubject()], retention: 'workqueue' });
      await speed.streams.durable({ stream, name: FORWARDER, ackWaitMs: 30_000, maxAckPending: 100 });
    }
    // The router: the delegation notices, and its followers' snapshot.
    const router = await bus('delegation-router');
    await router.streams.ensure({ name: JETSTREAM_STREAMS.delegationNotices, subjects: [perAgentSubject(BUS_EVENTS.delegationChanged, '>'), perAgentSubject(BUS_EVENTS.messageNoticed, '>')], retention: 'limits', maxAgeMs: 3_600_000 });
    await (await ObjectSnapshotStore.open(router.streams, { timeoutMs: 5_000 })).save('delegations', new Uint8Array([7, 7, 7]));
  }, 60_000);

  afterAll(async () => {
    for (const handle of open.reverse()) await handle.close().catch(() => undefined);
    await observer?.close();
    await nats?.stop();
  }, 30_000);

  describe.each<NatsServiceUser>(['fuse-mounter', 'gateway'])('a stolen %s login', (thief) => {
    it('cannot delete the event log stream', async () => {
      const jsm = await manager(thief);
      await expect(jsm.streams.delete(EVENT_LOG)).rejects.toThrow();
      expect((await (await observed()).streams.info(EVENT_LOG)).config.name).toBe(EVENT_LOG);
    });

    it('cannot shrink the event log by updating its stream', async () => {
      const jsm = await manager(thief);
      const { config } = await (await observed()).streams.info(EVENT_LOG);
      await expect(jsm.streams.update(EVENT_LOG, { ...config, max_msgs: 1 })).rejects.toThrow();
      expect((await (await observed()).streams.info(EVENT_LOG)).config.max_msgs).toBe(-1);
    });

    it('cannot purge the event log\'s checkpoint', async () => {
      const jsm = await manager(thief);
      await expect(jsm.streams.purge(CHECKPOINT_STREAM)).rejects.toThrow();
      expect((await (await observed()).streams.info(CHECKPOINT_STREAM)).state.messages).toBe(1);
    });

    it('cannot purge or delete a decision journal stream', async () => {
      const jsm = await manager(thief);
      await expect(jsm.streams.purge(JETSTREAM_STREAMS.decisionGroups)).rejects.toThrow();
      await expect(jsm.streams.delete(JETSTREAM_STREAMS.decisions)).rejects.toThrow();
      const names: string[] = [];
      for await (const name of (await observed()).streams.names()) names.push(name);
      expect(names).toEqual(expect.arrayContaining([JETSTREAM_STREAMS.decisions, JETSTREAM_STREAMS.decisionGroups]));
    });

    it('cannot delete the speed layer\'s forwarder consumer', async () => {
      const jsm = await manager(thief);
      await expect(jsm.consumers.delete(JETSTREAM_STREAMS.decisionGroups, FORWARDER)).rejects.toThrow();
      expect((await (await observed()).consumers.info(JETSTREAM_STREAMS.decisionGroups, FORWARDER)).name).toBe(FORWARDER);
    });

    it('cannot write, purge or delete a follower snapshot', async () => {
      const nc = await raw(thief);
      const jsm = await manager(thief);
      const before = await (await observed()).streams.info(`OBJ_${SNAPSHOTS}`);
      // The object store's own write path: chunks and a meta record under $O.<bucket>.
      const forged = nc.jetstream({ timeout: 1_500 }).views.os(SNAPSHOTS).then((bucket) => bucket.putBlob({ name: 'delegations' }, new Uint8Array([6, 6, 6])));
      await expect(forged).rejects.toThrow();
      await expect(jsm.streams.purge(`OBJ_${SNAPSHOTS}`)).rejects.toThrow();
      await expect(jsm.streams.delete(`OBJ_${SNAPSHOTS}`)).rejects.toThrow();
      const after = await (await observed()).streams.info(`OBJ_${SNAPSHOTS}`);
      expect(after.state.last_seq).toBe(before.state.last_seq);
      expect(after.state.messages).toBe(before.state.messages);
    });
  });

  it('still lets each owner do its work: the log reads and checkpoints, the journal consumes, snapshots load, notices are followed, chunks are stored', async () => {
    const log = await JetStreamRecordStore.open(await raw('event-store'), { stream: EVENT_LOG, replicas: 1 });
    expect(await log.readCheckpoint()).toEqual(new Uint8Array([1, 2, 3]));
    await log.writeCheckpoint(new Uint8Array([1, 2, 4]));
    expect(await log.get([1])).toEqual([undefined]);

    const speed = await bus('speed-layer');
    const forwarder = await speed.streams.durable({ stream: JETSTREAM_STREAMS.decisionGroups, name: FORWARDER, ackWaitMs: 30_000, maxAckPending: 100 });
    await speed.streams.publishEncoded(decisionGroupSubject(), new Uint8Array([1]), { stream: JETSTREAM_STREAMS.decisionGroups });
    const batch = await forwarder.fetch(10, 1_000);
    expect(batch).toHaveLength(1);
    batch[0]!.ack();
    expect(await (await ObjectSnapshotStore.open(speed.streams, { timeoutMs: 5_000 })).load('delegations')).toEqual(Buffer.from([7, 7, 7]));

    const router = await bus('delegation-router');
    const snapshots = await ObjectSnapshotStore.open(router.streams, { timeoutMs: 5_000 });
    await snapshots.save('reservations', new Uint8Array([8]));
    expect(await snapshots.load('reservations')).toEqual(Buffer.from([8]));

    const gateway = await bus('gateway');
    const follow = await gateway.streams.follow(JETSTREAM_STREAMS.delegationNotices, perAgentSubject(BUS_EVENTS.delegationChanged, 'agent-1'), { afterSeq: 0 });
    const feed = await follow.consume();
    await router.streams.publish(perAgentSubject(BUS_EVENTS.delegationChanged, 'agent-1'), { note: 'hello' });
    const first = await feed[Symbol.asyncIterator]().next();
    expect(first.value?.payload).toEqual({ note: 'hello' });
    await feed.close();

    const mounter = await bus('fuse-mounter');
    const chunks = await mounter.streams.objectStore(JETSTREAM_BUCKETS.fileChunks, { timeoutMs: 5_000, description: 'test chunks' });
    await chunks.putBlob({ name: 'abc' }, new Uint8Array([4, 2]));
    expect(await chunks.getBlob('abc')).toEqual(new Uint8Array([4, 2]));
  }, 60_000);

  it('lets no non-owner create a stream of its own, which would record subjects it may not hear (every agent\'s decisions) for it to read', async () => {
    const jsm = await manager('fuse-mounter');
    await expect(jsm.streams.add({ name: 'LH_TAP', subjects: ['lh.speed.>'], storage: StorageType.File, retention: RetentionPolicy.Limits })).rejects.toThrow();
    const names: string[] = [];
    for await (const name of (await observed()).streams.names()) names.push(name);
    expect(names).not.toContain('LH_TAP');
  });
});
