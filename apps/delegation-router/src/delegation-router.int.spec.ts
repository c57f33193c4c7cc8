import type { INestMicroservice } from '@nestjs/common';
import { SUBJECTS, delegationStreamOf, type Actor, type Delegation } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { buildServices, repoRoot, spawnService, startNats, startStack, type NatsHandle, type ServiceProcess, type Stack, testEventKeys } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';
import type { DelegationRouterConfig } from './delegation-router.config';
/** Snapshots are signed with the event log keys: one keyring for every router of this file. */
const eventKeys = testEventKeys();

// The router in process, against a real NATS (JetStream) and the real event store (the built
// service, as a process). Experts and requesters talk to it over NATS as the gateway would.
const S = SUBJECTS.delegation;
const config: DelegationRouterConfig = { LH_DELEGATION_ASSIGN_LEASE_MS: 1500, LH_DELEGATION_CLAIM_LEASE_MS: 1500, LH_DELEGATION_TICK_MS: 100, LH_PUBLIC_STREAMS: 'fs', LH_SEARCH_MAX_DOCUMENTS: 1000, LH_SEARCH_MAX_BYTES: 8 * 1024 * 1024 };
const logger = createLogger('delegation-test', 'silent');

const who = (agent: string, roles: string[] = []): Actor => ({ agent, roles, operator: false, capacity: 4 });
const requester = who('requester-1');
const sec1 = who('sec-1', ['security_architect']);
const sec2 = who('sec-2', ['security_architect']);
const stranger = who('stranger', ['performance_engineer']);

describe('delegation router over real NATS and the event store', () => {
  let nats: NatsHandle;
  let store: Stack;
  let router: INestMicroservice | undefined;
  let client: NatsBus;

  const startRouter = async () => {
    const bus = await NatsBus.connect({ servers: nats.url, name: 'router' });
    router = await startNatsService(await AppModule.register({ config: { ...config, ...eventKeys }, bus, logger }), { service: 'delegation-router', natsUrl: nats.url, logger });
  };
  const call = <T = Delegation>(subject: string, payload: unknown, timeoutMs = 5000) => client.request<T>(subject, payload, { timeoutMs });
  const create = (title: string, target: object = { role: 'security_architect' }, deadlineSeconds = 60) =>
    call(S.create, { actor: requester, request: { target, title, deadlineSeconds } });

  beforeAll(async () => {
    const [services, started] = await Promise.all([buildServices({ apps: ['event-store'], tag: 'deleg' }), startNats()]);
    nats = started;
    store = await startStack({ services, apps: ['event-store'], nats: nats.url, removeBuild: true, env: { LH_LOG_LEVEL: 'warn' } });
    client = await NatsBus.connect({ servers: nats.url, name: 'test-client' });
    await new EventStoreClient(client).waitUntilReady();
    await startRouter();
  }, 60_000);

  afterAll(async () => {
    await router?.close();
    await client?.close();
    await store?.stop();
    await nats?.stop();
  });

  it('routes a role delegation to an expert of that role and the result back to the requester', async () => {
    const created = await create('security review of this diff');
    const waiting = call(S.wait, { actor: requester, id: created.id, waitMs: 5000 }, 8000);
    expect(await call<{ delegation: Delegation | null }>(S.next, { actor: stranger, waitMs: 100 })).toEqual({ delegation: null });
    const { delegation } = await call<{ delegation: Delegation }>(S.next, { actor: sec1, waitMs: 2000 });
    // Offer and claim in one step: the long poll hands it over claimed, with its epoch.
    expect(delegation).toMatchObject({ id: created.id, state: 'in_progress', assignee: 'sec-1', claimEpoch: 1 });
    const claimed = await call(S.claim, { actor: sec1, id: created.id });
    expect(claimed).toMatchObject({ state: 'in_progress', claimEpoch: 1 });
    await call(S.complete, { actor: sec1, id: created.id, epoch: claimed.claimEpoch, result: { verdict: 'approve' } });
    expect(await waiting).toMatchObject({ state: 'completed', result: { verdict: 'approve' } });
  });

  it('answers a long-poll as soon as work arrives', async () => {
    const polling = call<{ delegation: Delegation | null }>(S.next, { actor: sec2, waitMs: 5000 }, 8000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await create('arrives while polling');
    expect((await polling).delegation?.id).toBe(created.id);
    await call(S.cancel, { actor: requester, id: created.id });
  });

  // Issue 16: with an expert waiting, creation and claim are one append (one fsync'd write on the
  // round trip instead of two): the stream's two events land together, each by its own agent.
  it('creates a delegation already claimed by a waiting expert, both events in one append', async () => {
    const expert = who('one-append', ['one_append_role']);
    const polling = call<{ delegation: Delegation | null }>(S.next, { actor: expert, waitMs: 5000 }, 8000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await create('claimed as it is created', { role: 'one_append_role' });
    expect(created).toMatchObject({ state: 'in_progress', assignee: 'one-append', claimEpoch: 1 });
    expect((await polling).delegation).toMatchObject({ id: created.id, state: 'in_progress', assignee: 'one-append', claimEpoch: 1 });
    const { events } = await new EventStoreClient(client).read({ stream: delegationStreamOf(created.id), fromSequence: 1, limit: 10 });
    expect(events.map((e) => [e.type, e.agent, e.streamVersion])).toEqual([
      ['delegation.created', 'requester-1', 1],
      ['delegation.claimed', 'one-append', 2],
    ]);
    // One append: consecutive in the log, decided at one time.
    expect((events[1]?.sequence ?? 0) - (events[0]?.sequence ?? 0)).toBe(1);
    expect(events[1]?.data['at']).toBe(events[0]?.data['at']);
    // The expert holds it as if it had taken it: it completes, and the requester has the result.
    await call(S.complete, { actor: expert, id: created.id, epoch: 1, result: { done: true } });
    expect(await call(S.wait, { actor: requester, id: created.id, waitMs: 1000 })).toMatchObject({ state: 'completed' });
  });

  // A replayed create (the same agent and request nonce) names a delegation that exists: refused,
  // and the board keeps the original as it stands (queued: still dispatched; held: held).
  it('refuses a create replayed with the same nonce and leaves the original where it was', async () => {
    const request = { target: { role: 'replay_role' }, title: 'made once', deadlineSeconds: 60 };
    const first = await call(S.create, { actor: requester, request, requestNonce: 'replay-nonce-000000001' });
    expect(first).toMatchObject({ state: 'queued' });
    await expect(call(S.create, { actor: requester, request, requestNonce: 'replay-nonce-000000001' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const holder = who('replay-holder', ['replay_role']);
    expect((await call<{ delegation: Delegation | null }>(S.next, { actor: holder, waitMs: 2000 }, 5000)).delegation).toMatchObject({ id: first.id, assignee: 'replay-holder' });

    const bystander = who('replay-bystander', ['replay_role']);
    const polling = call<{ delegation: Delegation | null }>(S.next, { actor: bystander, waitMs: 800 }, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(call(S.create, { actor: requester, request, requestNonce: 'replay-nonce-000000001' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await polling).delegation).toBeNull();
    expect(await call(S.get, { actor: requester, id: first.id })).toMatchObject({ state: 'in_progress', assignee: 'replay-holder', claimEpoch: 1 });
    await call(S.cancel, { actor: requester, id: first.id });
  });

  it('of five experts polling, exactly one gets a new delegation, claimed; the others time out empty', async () => {
    const experts = [1, 2, 3, 4, 5].map((n) => who(`fan-${n}`, ['fan_role']));
    const polls = experts.map((actor) => call<{ delegation: Delegation | null }>(S.next, { actor, waitMs: 1500 }, 5000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await create('only one of you', { role: 'fan_role' });
    const answers = (await Promise.all(polls)).map((a) => a.delegation);
    const given = answers.filter((d): d is Delegation => d !== null);
    expect(given).toEqual([expect.objectContaining({ id: created.id, state: 'in_progress', claimEpoch: 1 })]);
    expect(experts.map((e) => e.agent)).toContain(given[0]?.assignee);
    await call(S.cancel, { actor: requester, id: created.id });
  });

  it('hands a delegation over again to the expert it was given to until that expert acts on it (the answer may have been lost)', async () => {
    const expert = who('forgetful', ['forgetful_role']);
    const created = await create('say it again', { role: 'forgetful_role' });
    const first = await call<{ delegation: Delegation }>(S.next, { actor: expert, waitMs: 1000 });
    const again = await call<{ delegation: Delegation }>(S.next, { actor: expert, waitMs: 1000 });
    expect(again.delegation).toMatchObject({ id: created.id, claimEpoch: first.delegation.claimEpoch });
    await call(S.claim, { actor: expert, id: created.id });
    expect(await call<{ delegation: Delegation | null }>(S.next, { actor: expert, waitMs: 200 })).toEqual({ delegation: null });
    await call(S.cancel, { actor: requester, id: created.id });
  });

  it('reassigns the work of an expert killed mid-task and refuses its late completion', async () => {
    const created = await create('review the auth middleware');
    const expert = spawnExpert(nats.url, sec1, created.id);
    const epoch = await new Promise<number>((resolve, reject) => {
      expert.child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      expert.child.once('exit', (code) => reject(new Error(`expert exited early (${code}): ${expert.output()}`)));
    });
    expect(epoch).toBe(1);
    await expert.stop('SIGKILL');

    const { delegation } = await call<{ delegation: Delegation }>(S.next, { actor: sec2, waitMs: 6000 }, 8000);
    expect(delegation).toMatchObject({ id: created.id, assignee: 'sec-2', releasedFrom: ['sec-1'] });
    const claimed = await call(S.claim, { actor: sec2, id: created.id });
    expect(claimed.claimEpoch).toBe(2);
    await expect(call(S.complete, { actor: sec1, id: created.id, epoch: 1, result: { late: true } })).rejects.toMatchObject({ code: 'CONFLICT' });
    await call(S.complete, { actor: sec2, id: created.id, epoch: 2, result: { verdict: 'fixed' } });
    expect(await call(S.get, { actor: requester, id: created.id })).toMatchObject({ state: 'completed', result: { verdict: 'fixed' } });
  }, 20_000);

  it('expires a delegation past its deadline and tells the waiting requester', async () => {
    const created = await create('nobody will take this', { role: 'nobody_has_this_role' }, 1);
    const final = await call(S.wait, { actor: requester, id: created.id, waitMs: 5000 }, 8000);
    expect(final).toMatchObject({ state: 'expired', error: { code: 'EXPIRED' } });
  });

  it('keeps others out: reading, claiming and completing what is not yours is forbidden', async () => {
    const created = await create('private work');
    await expect(call(S.get, { actor: stranger, id: created.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await call(S.next, { actor: sec1, waitMs: 2000 });
    await expect(call(S.claim, { actor: sec2, id: created.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const claimed = await call(S.claim, { actor: sec1, id: created.id });
    await expect(call(S.complete, { actor: stranger, id: created.id, epoch: claimed.claimEpoch, result: {} })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(call(S.cancel, { actor: sec1, id: created.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await call(S.cancel, { actor: requester, id: created.id });
  });

  it('loses no queued delegation when the router restarts', async () => {
    const created = await create('queued across a restart', { role: 'restart_role' });
    await router?.close();
    router = undefined;
    await startRouter();
    const { delegation } = await call<{ delegation: Delegation }>(S.next, { actor: who('restart-expert', ['restart_role']), waitMs: 2000 });
    expect(delegation).toMatchObject({ id: created.id, title: 'queued across a restart' });
  }, 20_000);
});

/** An expert in its own process: takes the delegation, claims it, prints the epoch, heartbeats. */
function spawnExpert(natsUrl: string, actor: Actor, id: string): ServiceProcess {
  const script = `
    const { connect } = require('nats');
    const { pack, unpack } = require('msgpackr');
    const S = ${JSON.stringify(SUBJECTS)};
    const actor = ${JSON.stringify(actor)};
    (async () => {
      const nc = await connect({ servers: ${JSON.stringify(natsUrl)} });
      let n = 0;
      const call = async (subject, data) => {
        const reply = unpack((await nc.request(subject, pack({ pattern: subject, data, id: String(++n) }), { timeout: 5000 })).data);
        if (reply.err) throw new Error(JSON.stringify(reply.err));
        return reply.response;
      };
      const { delegation } = await call(S.delegation.next, { actor, waitMs: 3000 });
      if (!delegation || delegation.id !== ${JSON.stringify(id)}) process.exit(3);
      const claimed = await call(S.delegation.claim, { actor, id: delegation.id });
      process.stdout.write(claimed.claimEpoch + '\\n');
      setInterval(() => nc.publish(S.session.presence, pack({ pattern: S.session.presence, data: { agent: actor.agent, status: 'alive', at: new Date().toISOString() } })), 200);
    })().catch(() => process.exit(2));`;
  return spawnService({ name: 'expert', command: process.execPath, args: ['-e', script], cwd: repoRoot() });
}
