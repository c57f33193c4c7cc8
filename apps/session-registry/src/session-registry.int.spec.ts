import type { INestMicroservice } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { newNonce, signToken, deriveAuthKeys } from '@lighthouse/auth';
import {
  AgentRevokedSchema,
  ExpertListSchema,
  HeartbeatResultSchema,
  IssuedCredentialSchema,
  NewEventSchema,
  PresenceSchema,
  RevocationSchema,
  SUBJECTS,
  SessionGrantSchema,
  type NewEvent,
  type Revocation,
  type SessionGrant,
} from '@lighthouse/contracts';
import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { createLogger } from '@lighthouse/observability';
import { freePort, startNats, testRedisUrl, uniqueName, type NatsHandle } from '@lighthouse/testing';
import { FrameCodec, NatsBus, startNatsService } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { AppModule } from './app.module';
import { registryConfigShape, type RegistryConfig } from './registry.config';
import { redisOptions } from './store/redis-options';

const logger = createLogger('session-registry-test', 'silent');
const secret = randomBytes(32).toString('base64url');

/**
 * A stand-in for the event store on the test's private NATS: it answers appends like the real
 * one (which this app may not import) and can be told to fail, so "store unavailable" is
 * observable. The end-to-end tests in tools/e2e run the real event store.
 */
class StandInEventStore {
  readonly events: NewEvent[] = [];
  failing = false;
  private readonly codec = new FrameCodec();

  constructor(connection: NatsConnection) {
    connection.subscribe(SUBJECTS.events.append, {
      callback: (_error, msg) => {
        const frame = this.codec.decodeRequest(msg.data);
        if (this.failing) {
          msg.respond(this.codec.encode({ id: frame.id, err: { code: 'STORE_UNAVAILABLE', message: 'disk full' }, isDisposed: true }));
          return;
        }
        const events = (frame.data as { events: unknown[] }).events.map((e) => NewEventSchema.parse(e));
        this.events.push(...events);
        const sequences = events.map((_, i) => this.events.length - events.length + i + 1);
        msg.respond(this.codec.encode({ id: frame.id, response: { status: 'committed', sequences, streamVersion: 1 }, isDisposed: true }));
      },
    });
  }

  of(agentId: string): string[] {
    return this.events.filter((e) => e.agent === agentId).map((e) => e.type);
  }
}

/** A registry configuration as the service would load it, with test overrides (even below the boot minimums). */
function configFor(natsUrl: string, redisUrl: string, prefix: string, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  const env = { NATS_URL: natsUrl, REDIS_URL: redisUrl, LH_REDIS_PREFIX: prefix, LH_TOKEN_SECRET: secret, LH_LOG_LEVEL: 'silent', LH_REQUEST_TIMEOUT_MS: '2000' };
  return { ...loadConfig({ ...natsServiceShape, ...registryConfigShape }, env), ...overrides };
}

async function startRegistry(config: RegistryConfig): Promise<INestMicroservice> {
  const redis = new Redis(config.REDIS_URL, redisOptions('registry-test'));
  redis.on('error', () => undefined);
  const bus = await NatsBus.connect({ servers: config.NATS_URL, name: 'registry-test-client', timeoutMs: config.LH_REQUEST_TIMEOUT_MS });
  return startNatsService(AppModule.register({ config, redis, bus, logger }), { service: 'session-registry', natsUrl: config.NATS_URL, logger });
}

describe('session-registry over a real NATS and Redis', () => {
  const prefix = `${uniqueName('lh-test')}:`;
  let nats: NatsHandle;
  let registry: INestMicroservice;
  let client: NatsBus;
  let raw: NatsConnection;
  let store: StandInEventStore;
  let redis: Redis;
  const revocations: Revocation[] = [];

  const call = <T = unknown>(subject: string, payload: unknown) => client.request<T>(subject, payload);
  const signed = (grant: SessionGrant, nonce = newNonce()) => ({ token: grant.token, timestamp: Math.floor(Date.now() / 1000), nonce });
  const issue = async (agentId: string) =>
    IssuedCredentialSchema.parse(await call(SUBJECTS.session.issueCredential, { agentId, via: 'http', roles: ['security_architect', 'reviewer', 'qa'], correlationId: 'test' })).credential;
  const start = async (agentId: string, credential?: string) =>
    SessionGrantSchema.parse(await call(SUBJECTS.session.create, { agentId, credential: credential ?? (await issue(agentId)), correlationId: 'test' }));
  const keysOf = async (pattern: string) => redis.keys(`${prefix}${pattern}`);

  beforeAll(async () => {
    nats = await startNats();
    raw = await connect({ servers: nats.url });
    store = new StandInEventStore(raw);
    redis = new Redis(testRedisUrl());
    registry = await startRegistry(configFor(nats.url, testRedisUrl(), prefix));
    client = await NatsBus.connect({ servers: nats.url, name: 'test-client', timeoutMs: 3000 });
    client.subscribe(SUBJECTS.session.revoked, RevocationSchema, (r) => revocations.push(r));
  }, 30_000);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await client?.close();
    await registry?.close();
    await raw?.close();
    await nats?.stop();
  });

  it('exchanges a credential for a session token bound to the agent', async () => {
    const grant = await start('alice');
    expect(grant.agentId).toBe('alice');
    const [, payload] = grant.token.split('.');
    expect(JSON.parse(Buffer.from(payload as string, 'base64url').toString())).toMatchObject({ sub: 'alice', sid: grant.sessionId, aud: 'lighthouse' });
    expect(store.of('alice')).toEqual(['credential.issued', 'session.created']);
    expect(JSON.stringify(store.events)).not.toContain(grant.token);
  });

  it('stores only the hash of a credential', async () => {
    const credential = await issue('hash-check');
    const stored = await redis.hgetall(`${prefix}agent:{hash-check}:credential`);
    expect(stored['hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(credential.slice(4));
  });

  it('refuses a wrong credential and an unknown agent alike, and stores nothing', async () => {
    await issue('bob');
    const before = store.events.length;
    const wrong = `lhc_${randomBytes(32).toString('base64url')}`;
    await expect(call(SUBJECTS.session.create, { agentId: 'bob', credential: wrong, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(call(SUBJECTS.session.create, { agentId: 'nobody', credential: wrong, correlationId: 't' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'unknown agent or wrong credential',
    });
    expect(store.events.length).toBe(before);
    expect(await keysOf('agent:{bob}:session:*')).toEqual([]);
  });

  it('refreshes a token for the same session and refuses the same nonce twice', async () => {
    const grant = await start('carol');
    const auth = signed(grant);
    const refreshed = SessionGrantSchema.parse(await call(SUBJECTS.session.refresh, { auth, correlationId: 't' }));
    expect(refreshed.sessionId).toBe(grant.sessionId);
    expect(refreshed.sessionKey).toBe(grant.sessionKey);
    await expect(call(SUBJECTS.session.refresh, { auth, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('replayed') });
    expect(store.of('carol').filter((t) => t === 'session.refreshed')).toHaveLength(1);
  });

  it('refuses a change whose timestamp is more than 300 s off', async () => {
    const grant = await start('dave');
    const auth = { ...signed(grant), timestamp: Math.floor(Date.now() / 1000) - 301 };
    await expect(call(SUBJECTS.session.heartbeat, { auth, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await redis.exists(`${prefix}agent:{dave}:nonce:${auth.nonce}`)).toBe(0);
  });

  it('refuses a token for a session that was never started, even signed with the right secret', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'erin', sid: randomBytes(16).toString('base64url'), aud: 'lighthouse', iat: now, exp: now + 60, sat: now };
    const token = signToken(claims, deriveAuthKeys(secret));
    await expect(call(SUBJECTS.session.heartbeat, { auth: { token, timestamp: now, nonce: newNonce() }, correlationId: 't' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('ended or expired'),
    });
  });

  it('registers experts, lists them by role and status, and lets only an agent deregister itself', async () => {
    const frank = await start('frank');
    const grace = await start('grace');
    await call(SUBJECTS.session.registerExpert, { auth: signed(frank), expert: { role: 'security_architect', capabilities: ['threat-model'], capacity: 2 }, correlationId: 't' });
    await call(SUBJECTS.session.registerExpert, { auth: signed(grace), expert: { role: 'security_architect', status: 'busy' }, correlationId: 't' });
    const all = ExpertListSchema.parse(await call(SUBJECTS.session.experts, { auth: { token: frank.token }, query: { role: 'security_architect', limit: 100 } }));
    expect(all.experts.map((e) => [e.agentId, e.status, e.capacity])).toEqual([
      ['frank', 'available', 2],
      ['grace', 'busy', 1],
    ]);
    const available = ExpertListSchema.parse(await call(SUBJECTS.session.experts, { auth: { token: frank.token }, query: { role: 'security_architect', status: 'available', limit: 100 } }));
    expect(available.experts.map((e) => e.agentId)).toEqual(['frank']);

    const attempt = signed(frank);
    await expect(call(SUBJECTS.session.deregisterExpert, { auth: attempt, agentId: 'grace', correlationId: 't' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await redis.exists(`${prefix}agent:{frank}:nonce:${attempt.nonce}`)).toBe(0);
    expect(await redis.hget(`${prefix}agent:{grace}:expert`, 'role')).toBe('security_architect');
    expect(store.of('grace')).not.toContain('expert.deregistered');

    await call(SUBJECTS.session.deregisterExpert, { auth: signed(grace), agentId: 'grace', correlationId: 't' });
    expect(await redis.exists(`${prefix}agent:{grace}:expert`)).toBe(0);
    expect(store.of('grace')).toContain('expert.deregistered');
  });

  it('authorizes a caller with its expert registration in the same answer: the expert for an expert, null otherwise, for a query and a change; a replayed nonce is still refused', async () => {
    const judy = await start('judy');
    const karl = await start('karl');
    await call(SUBJECTS.session.registerExpert, { auth: signed(judy), expert: { role: 'reviewer', capacity: 3, status: 'busy' }, correlationId: 't' });
    const change = signed(judy);
    expect(await call(SUBJECTS.session.authorize, { auth: change, change: true })).toEqual({ agentId: 'judy', sessionId: judy.sessionId, expert: { role: 'reviewer', capacity: 3, status: 'busy' } });
    expect(await call(SUBJECTS.session.authorize, { auth: { token: judy.token }, change: false })).toMatchObject({ expert: { role: 'reviewer', capacity: 3, status: 'busy' } });
    expect(await call(SUBJECTS.session.authorize, { auth: signed(karl), change: true })).toEqual({ agentId: 'karl', sessionId: karl.sessionId, expert: null });
    expect(await call(SUBJECTS.session.authorize, { auth: { token: karl.token }, change: false })).toMatchObject({ expert: null });
    await expect(call(SUBJECTS.session.authorize, { auth: change, change: true })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('replayed') });
  });

  it("ends the caller's session, tells every verifier, and refuses another agent's session id", async () => {
    const heidi = await start('heidi');
    const ivan = await start('ivan');
    await call(SUBJECTS.session.registerExpert, { auth: signed(heidi), expert: { role: 'reviewer' }, correlationId: 't' });

    const attempt = signed(ivan);
    await expect(call(SUBJECTS.session.end, { auth: attempt, sessionId: heidi.sessionId, correlationId: 't' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await redis.exists(`${prefix}agent:{heidi}:session:${heidi.sessionId}`)).toBe(1);
    expect(await redis.exists(`${prefix}agent:{ivan}:nonce:${attempt.nonce}`)).toBe(0);

    await call(SUBJECTS.session.end, { auth: signed(heidi), sessionId: heidi.sessionId, correlationId: 't' });
    expect(await redis.exists(`${prefix}agent:{heidi}:session:${heidi.sessionId}`)).toBe(0);
    expect(await redis.exists(`${prefix}agent:{heidi}:expert`)).toBe(0);
    await waitUntil(() => revocations.some((r) => r.kind === 'session' && r.sessionId === heidi.sessionId));
    await expect(call(SUBJECTS.session.heartbeat, { auth: signed(heidi), correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const snapshot = (await call<{ revocations: Revocation[] }>(SUBJECTS.session.revocations, {})).revocations;
    expect(snapshot).toContainEqual(expect.objectContaining({ kind: 'session', sessionId: heidi.sessionId, agentId: 'heidi' }));
  });

  it('revokes an agent everywhere: sessions, expert registration, credential; a new credential starts afresh', async () => {
    const credential = await issue('judy');
    const first = await start('judy', credential);
    const second = await start('judy', credential);
    await call(SUBJECTS.session.registerExpert, { auth: signed(first), expert: { role: 'qa' }, correlationId: 't' });

    const revoked = AgentRevokedSchema.parse(await call(SUBJECTS.session.revokeAgent, { agentId: 'judy', via: 'cli', correlationId: 't' }));
    expect(revoked.sessionsEnded).toBe(2);
    await waitUntil(() => revocations.some((r) => r.kind === 'agent' && r.agentId === 'judy'));
    for (const grant of [first, second]) {
      await expect(call(SUBJECTS.session.heartbeat, { auth: signed(grant), correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await expect(call(SUBJECTS.session.create, { agentId: 'judy', credential, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await redis.exists(`${prefix}agent:{judy}:expert`)).toBe(0);
    expect(store.of('judy')).toContain('agent.revoked');

    const fresh = await start('judy');
    HeartbeatResultSchema.parse(await call(SUBJECTS.session.heartbeat, { auth: signed(fresh), correlationId: 't' }));
  });

  it('refuses a credential another replica replaced after this one verified it, and the history says the session never started', async () => {
    const credential = await issue('oscar');
    const first = await start('oscar', credential); // this replica now trusts the credential for a while
    // Another replica issues a new credential: only Redis knows.
    await redis.hset(`${prefix}agent:{oscar}:credential`, 'hash', 'f'.repeat(64));
    const before = store.of('oscar').length;

    await expect(call(SUBJECTS.session.create, { agentId: 'oscar', credential, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.of('oscar').slice(before)).toEqual(['session.created', 'session.ended']);
    expect(await keysOf('agent:{oscar}:session:*')).toEqual([`${prefix}agent:{oscar}:session:${first.sessionId}`]);

    // Forgotten at once: the next attempt reads Redis again and stores nothing.
    await expect(call(SUBJECTS.session.create, { agentId: 'oscar', credential, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.of('oscar').length).toBe(before + 2);
  });

  it('changes nothing when the event store cannot store the event', async () => {
    const credential = await issue('mallory');
    const grant = await start('mallory', credential);
    store.failing = true;
    try {
      await expect(call(SUBJECTS.session.create, { agentId: 'mallory', credential, correlationId: 't' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(call(SUBJECTS.session.registerExpert, { auth: signed(grant), expert: { role: 'qa' }, correlationId: 't' })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
      await expect(call(SUBJECTS.session.issueCredential, { agentId: 'mallory-2', via: 'http', correlationId: 't' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      store.failing = false;
    }
    expect(await keysOf('agent:{mallory}:session:*')).toEqual([`${prefix}agent:{mallory}:session:${grant.sessionId}`]);
    expect(await redis.exists(`${prefix}agent:{mallory}:expert`)).toBe(0);
    expect(await redis.exists(`${prefix}agent:{mallory-2}:credential`)).toBe(0);
  });

  it("publishes an agent's presence alive at most once per interval, a gone at once, and the next alive after a gone at once; every heartbeat still spends its nonce", async () => {
    const heard: Array<{ agent: string; status: string }> = [];
    const sub = client.subscribe(SUBJECTS.session.presence, PresenceSchema, (p) => heard.push(p));
    const of = (agent: string) => heard.filter((p) => p.agent === agent).map((p) => p.status);
    try {
      const kim = await start('kim');
      await call(SUBJECTS.session.registerExpert, { auth: signed(kim), expert: { role: 'reviewer' }, correlationId: 't' });
      const replayed = signed(kim);
      for (const auth of [replayed, signed(kim), signed(kim)]) HeartbeatResultSchema.parse(await call(SUBJECTS.session.heartbeat, { auth, correlationId: 't' }));
      await expect(call(SUBJECTS.session.heartbeat, { auth: replayed, correlationId: 't' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      // The expert registration's signed change and three heartbeats, all within the second: one alive.
      await waitUntil(() => of('kim').length >= 1);
      await sleep(100);
      expect(of('kim')).toEqual(['alive']);

      // Ending the expert's session says gone at once; a new session's first heartbeat says alive at once.
      await call(SUBJECTS.session.end, { auth: signed(kim), sessionId: kim.sessionId, correlationId: 't' });
      const again = await start('kim');
      HeartbeatResultSchema.parse(await call(SUBJECTS.session.heartbeat, { auth: signed(again), correlationId: 't' }));
      await waitUntil(() => of('kim').length >= 3);
      expect(of('kim')).toEqual(['alive', 'gone', 'alive']);
    } finally {
      sub.unsubscribe();
    }
  });

  it('ends a session after its idle timeout, unless heartbeats keep it alive', async () => {
    const idlePrefix = `${uniqueName('lh-test-idle')}:`;
    const idle = await startRegistryOnOwnSubjects(configFor(nats.url, testRedisUrl(), idlePrefix, { LH_SESSION_IDLE_S: 3, LH_TOKEN_TTL_S: 3 }));
    try {
      const grant = SessionGrantSchema.parse(await idle.call(SUBJECTS.session.create, { agentId: 'olivia', credential: await idle.issue('olivia'), correlationId: 't' }));
      // Whole-second token times: with 3 s the token is still valid at the heartbeat whenever in a second it was issued.
      expect(grant.idleTimeoutSeconds).toBe(3);
      await sleep(1200);
      await idle.call(SUBJECTS.session.heartbeat, { auth: signed(grant), correlationId: 't' });
      await sleep(1200);
      expect(await redis.exists(`${idlePrefix}agent:{olivia}:session:${grant.sessionId}`)).toBe(1);
      await sleep(2600);
      expect(await redis.exists(`${idlePrefix}agent:{olivia}:session:${grant.sessionId}`)).toBe(0);
    } finally {
      await idle.stop();
      const keys = await redis.keys(`${idlePrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 15_000);

  it('answers SERVICE_UNAVAILABLE when its Redis is unreachable', async () => {
    const dead = await startRegistryOnOwnSubjects(configFor(nats.url, `redis://127.0.0.1:${await freePort()}`, prefix));
    try {
      const credential = `lhc_${randomBytes(32).toString('base64url')}`;
      await expect(dead.call(SUBJECTS.session.create, { agentId: 'nobody', credential, correlationId: 't' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await dead.stop();
    }
  }, 15_000);

  /** A second registry with other settings, alone on a private NATS (so the first cannot answer for it). */
  async function startRegistryOnOwnSubjects(config: RegistryConfig) {
    const own = await startNats();
    const ownRaw = await connect({ servers: own.url });
    new StandInEventStore(ownRaw);
    const service = await startRegistry({ ...config, NATS_URL: own.url });
    const bus = await NatsBus.connect({ servers: own.url, name: 'test-client-2', timeoutMs: 5000 });
    const callOwn = (subject: string, payload: unknown) => bus.request(subject, payload);
    return {
      call: callOwn,
      issue: async (agentId: string) => IssuedCredentialSchema.parse(await callOwn(SUBJECTS.session.issueCredential, { agentId, via: 'http', correlationId: 't' })).credential,
      stop: async () => {
        await bus.close();
        await service.close();
        await ownRaw.close();
        await own.stop();
      },
    };
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
