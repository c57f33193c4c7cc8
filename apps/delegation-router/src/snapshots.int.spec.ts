import type { INestMicroservice } from '@nestjs/common';
import { BUS_EVENTS, SUBJECTS, eventChannelOf, type Actor, type Delegation } from '@lighthouse/contracts';
import { ServiceMetrics, createLogger } from '@lighthouse/observability';
import { buildServices, startNats, startStack, testEventKeys, waitFor, type NatsHandle, type Stack } from '@lighthouse/testing';
import { decodeSnapshot, encodeSnapshot } from '@lighthouse/snapshots';
import { EventStoreClient, NatsBus, ObjectSnapshotStore, SnapshottedFollower, startNatsService } from '@lighthouse/transport';
import { Packr } from 'msgpackr';
import { AppModule } from './app.module';
import type { DelegationRouterConfig, RouterFollowerConfig } from './delegation-router.config';

// A router restarted after a snapshot, against a real NATS (JetStream object store for the
// snapshot) and the real event store: it comes back with the same delegations (queued, claimed,
// epochs) and replays only the events after the snapshot.
const S = SUBJECTS.delegation;
const base: DelegationRouterConfig & RouterFollowerConfig = {
  LH_DELEGATION_ASSIGN_LEASE_MS: 60_000,
  LH_DELEGATION_CLAIM_LEASE_MS: 60_000,
  LH_DELEGATION_TICK_MS: 60_000,
  LH_PUBLIC_STREAMS: 'fs',
  LH_SEARCH_MAX_DOCUMENTS: 1000,
  LH_SEARCH_MAX_BYTES: 16 * 1024 * 1024,
  // Snapshots only when the test says (neither by count nor by time).
  LH_SNAPSHOT_EVERY_EVENTS: 0,
  LH_SNAPSHOT_EVERY_MS: 0,
  // The event log keys the router signs its snapshots with (the same for every start of this file).
  ...testEventKeys(),
};
const logger = createLogger('snapshot-test', 'silent');
const who = (agent: string, roles: string[] = []): Actor => ({ agent, roles, operator: false, capacity: 4 });
const requester = who('requester-1');
const sec1 = who('sec-1', ['security_architect']);
const sec2 = who('sec-2', ['security_architect']);
const perf = who('perf-1', ['performance_engineer']);
const ROUTER_CHANNELS = new Set(['delegation', 'message', 'other']);

describe('a router restarted after a snapshot', () => {
  let nats: NatsHandle;
  let store: Stack;
  let client: NatsBus;
  let events: EventStoreClient;
  let router: INestMicroservice | undefined;
  let metrics: ServiceMetrics;

  const startRouter = async (config: Partial<RouterFollowerConfig> = {}) => {
    metrics = new ServiceMetrics('delegation-router', false);
    const bus = await NatsBus.connect({ servers: nats.url, name: 'router' });
    router = await startNatsService(await AppModule.register({ config: { ...base, ...config }, bus, logger, metrics }), { service: 'delegation-router', natsUrl: nats.url, logger });
    return router.get(SnapshottedFollower, { strict: false });
  };
  const stopRouter = async () => {
    await router?.close();
    router = undefined;
  };
  const call = <T = Delegation>(subject: string, payload: unknown, timeoutMs = 10_000) => client.request<T>(subject, payload, { timeoutMs });
  const create = (title: string, role = 'security_architect') => call(S.create, { actor: requester, request: { target: { role }, title, deadlineSeconds: 3600 } });
  const take = async (actor: Actor) => (await call<{ delegation: Delegation }>(S.next, { actor, waitMs: 2000 })).delegation;
  /** Events of the router's channels in the log after `sequence`. */
  const routerEventsAfter = async (sequence: number) => {
    let count = 0;
    for (let from = sequence + 1; ; ) {
      const page = await events.read({ fromSequence: from, limit: 500 });
      count += page.events.filter((e) => ROUTER_CHANNELS.has(eventChannelOf(e))).length;
      if (page.nextSequence === null || page.events.length === 0) return count;
      from = page.nextSequence;
    }
  };
  const startupReplayed = async () => {
    const text = await metrics.render();
    const line = text.split('\n').find((l) => l.startsWith('lh_follower_applied_events_total{') && l.includes('follower="delegation-router"') && l.includes('phase="startup"'));
    return Number(line?.split(' ').at(-1) ?? 0);
  };

  beforeAll(async () => {
    const [services, started] = await Promise.all([buildServices({ apps: ['event-store'], tag: 'snap' }), startNats()]);
    nats = started;
    store = await startStack({ services, apps: ['event-store'], nats: nats.url, removeBuild: true, env: { LH_LOG_LEVEL: 'warn' } });
    client = await NatsBus.connect({ servers: nats.url, name: 'test-client' });
    events = new EventStoreClient(client);
    await events.waitUntilReady();
  }, 120_000);

  afterAll(async () => {
    await stopRouter();
    await client?.close();
    await store?.stop();
    await nats?.stop();
  });

  it('comes back with the same queued and claimed delegations and epochs, replaying only the events after the snapshot', async () => {
    let follower = await startRouter();
    expect(follower.startup).toMatchObject({ snapshotSequence: null, reason: 'no snapshot saved' });
    // Before the snapshot: one queued, one claimed, one claimed twice (epoch 2), one finished.
    const queued = await create('stays queued', 'performance_engineer_nobody');
    const claimed = await create('claimed by sec-1');
    expect(await take(sec1)).toMatchObject({ id: claimed.id, claimEpoch: 1 });
    await call(S.claim, { actor: sec1, id: claimed.id });
    const reclaimed = await create('released and claimed again');
    expect(await take(sec2)).toMatchObject({ id: reclaimed.id, claimEpoch: 1 });
    // sec-2's session ends: its claim is released, and sec-1 takes it at epoch 2.
    client.publish(BUS_EVENTS.presence, { agent: 'sec-2', status: 'gone', at: new Date().toISOString() });
    await waitFor(async () => (await call(S.get, { actor: requester, id: reclaimed.id })).state === 'queued', 10_000, 'the claim released');
    expect(await take(sec1)).toMatchObject({ id: reclaimed.id, claimEpoch: 2, assignee: 'sec-1' });
    const finished = await create('finished');
    const finishedTaken = await take(sec2);
    await call(S.complete, { actor: sec2, id: finishedTaken.id, epoch: finishedTaken.claimEpoch, result: { ok: true } });
    await follower.follower.catchUpNow();
    const snapshotAt = await follower.saveNow();
    expect(snapshotAt).toBeGreaterThan(0);

    // After the snapshot: one more created and claimed (the tail the restart replays).
    const late = await create('after the snapshot', 'performance_engineer');
    expect(await take(perf)).toMatchObject({ id: late.id, claimEpoch: 1 });
    const ids = [queued.id, claimed.id, reclaimed.id, finished.id, late.id];
    const before = await Promise.all(ids.map((id) => call(S.get, { actor: requester, id })));
    await stopRouter();

    const tail = await routerEventsAfter(snapshotAt as number);
    expect(tail).toBeGreaterThanOrEqual(2);
    follower = await startRouter();
    expect(follower.startup).toMatchObject({ snapshotSequence: snapshotAt, replayed: tail });
    expect(await startupReplayed()).toBe(tail);
    expect(await Promise.all(ids.map((id) => call(S.get, { actor: requester, id })))).toEqual(before);

    // The state works, not only reads alike: epochs still fence, the queue still assigns.
    await expect(call(S.complete, { actor: sec1, id: reclaimed.id, epoch: 1, result: {} })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await call(S.complete, { actor: sec1, id: reclaimed.id, epoch: 2, result: { verdict: 'ok' } })).toMatchObject({ state: 'completed' });
    expect(await call(S.complete, { actor: sec1, id: claimed.id, epoch: 1, result: { verdict: 'ok' } })).toMatchObject({ state: 'completed' });
    const nobody = who('nobody-1', ['performance_engineer_nobody']);
    expect(await take(nobody)).toMatchObject({ id: queued.id, claimEpoch: 1 });
    expect(await call(S.complete, { actor: perf, id: late.id, epoch: 1, result: {} })).toMatchObject({ state: 'completed' });
    await stopRouter();
  }, 120_000);

  it('with snapshots off, replays the whole log (the counter counts every event of its channels)', async () => {
    const all = await routerEventsAfter(0);
    const follower = await startRouter({ LH_SNAPSHOTS: 'off' });
    expect(follower.startup).toMatchObject({ snapshotSequence: null, replayed: all });
    expect(await startupReplayed()).toBe(all);
    await stopRouter();
  }, 60_000);

  it('refuses a snapshot planted in the bucket by someone without the keys, and reaches the true state by replaying the log', async () => {
    let follower = await startRouter();
    const target = await create('the title the log holds');
    await follower.follower.catchUpNow();
    const snapshotAt = await follower.saveNow();
    expect(snapshotAt).toBeGreaterThan(0);
    const before = await call(S.get, { actor: requester, id: target.id });
    await stopRouter();

    // The attacker can read and write the bucket (as any snapshot writer can): it takes the stored
    // snapshot, rewrites the delegation in its state and writes it back, as an unsigned envelope.
    const bucket = await ObjectSnapshotStore.open(client.streams);
    const stored = (await bucket.load('delegation-router')) as Uint8Array;
    const outer = new Packr({ useRecords: false, mapsAsObjects: true }).unpack(stored) as { body?: Uint8Array };
    const body = outer.body instanceof Uint8Array ? outer.body : stored;
    const header = (new Packr({ useRecords: false, mapsAsObjects: true }).unpack(body) as { header: { stateVersion: number; sequence: number; anchor: { sequence: number; id: string } | null } }).header;
    const real = decodeSnapshot(body, { kind: 'delegation-router', stateVersion: header.stateVersion, lastSequence: Number.MAX_SAFE_INTEGER });
    if (!real.ok) throw new Error(real.reason);
    const forgedState = JSON.parse(JSON.stringify(real.state).split('the title the log holds').join('FORGED by the bucket writer'));
    expect(JSON.stringify(forgedState)).toContain('FORGED');
    await bucket.save('delegation-router', encodeSnapshot({ kind: 'delegation-router', stateVersion: header.stateVersion, sequence: header.sequence, anchor: header.anchor, state: forgedState }));

    const all = await routerEventsAfter(0);
    follower = await startRouter();
    expect(follower.startup).toMatchObject({ snapshotSequence: null, refused: 'unsigned', replayed: all });
    expect(await call(S.get, { actor: requester, id: target.id })).toEqual(before);
    expect(await metrics.render()).toMatch(/^lh_follower_snapshot_refused_total\{[^}]*follower="delegation-router"[^}]*reason="unsigned"[^}]*\} 1$/m);
    await stopRouter();
  }, 120_000);
});
