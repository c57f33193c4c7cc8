import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JETSTREAM_STREAMS, SUBJECTS, decisionGroupSubject, type Actor, type Delegation, type ValidationResult } from '@lighthouse/contracts';
import { natsServiceShape, loadConfig } from '@lighthouse/config';
import { createLogger } from '@lighthouse/observability';
import { buildServices, startNats, startRedis, startStack, uniqueName, type NatsHandle, type RedisHandle, type Stack, testEventKeys } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AppModule } from './app.module';
import { speedLayerConfigShape } from './speed-layer.config';
/** Snapshots are signed with the event log keys: one keyring for every router of this file. */
const eventKeys = testEventKeys();

// The speed layer in process, against a real NATS (JetStream), a real Redis, and the real event
// store and delegation router (the built services, as processes). The expert is played over NATS
// exactly as the gateway would relay it.
const logger = createLogger('speed-test', 'silent');
const agent: Actor = { agent: 'dev-1', operator: false, roles: [], capacity: 1 };
const expert: Actor = { agent: 'sec-1', operator: false, roles: ['security_architect'], capacity: 4 };
const bash = (command: string) => ({ tool: 'Bash', input: { command }, cwd: '/workspace/app' });

describe('speed layer over real NATS, Redis, event store and delegation router', () => {
  let nats: NatsHandle;
  let redisServer: RedisHandle;
  let stack: Stack;
  let service: INestMicroservice;
  let client: NatsBus;

  const validate = (request: ReturnType<typeof bash>, timeoutMs = 10_000) => client.request<ValidationResult>(SUBJECTS.speed.validate, { actor: agent, request }, { timeoutMs });

  beforeAll(async () => {
    const apps = ['event-store', 'delegation-router'];
    let services;
    [services, nats, redisServer] = await Promise.all([buildServices({ apps, tag: 'speed' }), startNats(), startRedis()]);
    stack = await startStack({ services, apps, nats: nats.url, redisUrl: redisServer.url, removeBuild: true, env: { LH_LOG_LEVEL: 'warn', LH_DELEGATION_TICK_MS: '200' } });
    client = await NatsBus.connect({ servers: nats.url, name: 'speed-test' });
    await new EventStoreClient(client).waitUntilReady();
    const config = loadConfig({ ...natsServiceShape, ...speedLayerConfigShape }, {
      NATS_URL: nats.url,
      REDIS_URL: redisServer.url,
      LH_REDIS_PREFIX: `${uniqueName('speed')}:`,
      LH_SPEED_ESCALATION_TIMEOUT_MS: '1500',
      LH_SPEED_BREAKER_MIN_CALLS: '3',
      LH_SPEED_BREAKER_WINDOW: '4',
      LH_SPEED_BREAKER_HALF_OPEN_MS: '1500',
    });
    // The registry's record of the expert (the speed layer routes escalations by it): played here, as the registry would append it.
    await registryEvent('expert.registered', { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', role: 'security_architect', capabilities: [], capacity: 4, status: 'available' });
    const bus = await NatsBus.connect({ servers: nats.url, name: 'speed-layer' });
    const redis = new Redis(redisServer.url, { enableOfflineQueue: false, commandTimeout: 50, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    service = await startNatsService(await AppModule.register({ config: { ...config, ...eventKeys }, bus, redis, logger }), { service: 'speed-layer', natsUrl: nats.url, logger });
    // The router needs a moment to subscribe after the store is up.
    await waitForRouter(client);
  }, 90_000);

  async function registryEvent(type: string, data: Record<string, unknown>): Promise<void> {
    const result = await new EventStoreClient(client).append({
      events: [{ id: randomUUID(), type, stream: 'agent:sec-1', agent: 'sec-1', correlationId: randomUUID(), causationId: null, schemaVersion: 1, data }],
    });
    expect(result.status).toBe('committed');
  }

  afterAll(async () => {
    await service?.close();
    await client?.close();
    await stack?.stop();
    await redisServer?.stop();
    await nats?.stop();
  }, 30_000);

  it('denies a dangerous command by policy, allows a harmless one, and answers a repeat from memory', async () => {
    expect(await validate(bash('rm -rf /'))).toMatchObject({ decision: 'deny', tier: 'policy', ruleId: expect.any(String) });
    expect(await validate(bash('ls -la'))).toMatchObject({ decision: 'allow', tier: 'policy' });
    const again = await validate(bash('ls -la'));
    expect(again).toMatchObject({ decision: 'allow', tier: 'memory' });
    expect(await validate(bash("bash -lc 'rm -rf /'"))).toMatchObject({ decision: 'deny' });
  });

  it('denies a write into a path another live agent reserved (naming holder, reason, expiry), never from a stale cache, and allows it once released', async () => {
    const as = (name: string): Actor => ({ ...agent, agent: name });
    const check = (name: string, tool: string, input: Record<string, unknown>) =>
      client.request<ValidationResult>(SUBJECTS.speed.validate, { actor: as(name), request: { tool, input, cwd: '/workspace' } }, { timeoutMs: 10_000 });
    const write = { file_path: '/workspace/resv/auth/token.ts', content: 'export const t = 1;\n' };
    // Warm every cache: the same write is answered from memory before anyone reserves.
    expect((await check('dev-2', 'Write', write)).decision).toBe('allow');
    expect(await check('dev-2', 'Write', write)).toMatchObject({ decision: 'allow', tier: 'memory' });
    const grant = await client.request<{ epoch: number; reservations: { expiresAt: string }[] }>(
      SUBJECTS.delegation.reserve,
      { actor: as('holder-a'), sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', request: { paths: ['resv/auth/**'], reason: 'rewriting tokens', ttlSeconds: 600 } },
      { timeoutMs: 10_000 },
    );
    const denied = await check('dev-2', 'Write', write);
    expect(denied).toMatchObject({
      decision: 'deny',
      tier: 'reservation',
      basis: 'reservation',
      reservation: { holder: 'holder-a', pattern: 'resv/auth/**', reason: 'rewriting tokens', expiresAt: grant.reservations[0]?.expiresAt, path: 'resv/auth/token.ts' },
    });
    expect(denied.reason).toContain('holder-a');
    for (const command of ["sed -i 's/1/2/' resv/auth/token.ts", 'echo x > resv/auth/token.ts', 'mv /tmp/x.ts resv/auth/token.ts', 'rm -f resv/auth/token.ts']) {
      expect({ command, decision: (await check('dev-2', 'Bash', { command })).decision }).toEqual({ command, decision: 'deny' });
    }
    expect((await check('dev-2', 'Bash', { command: 'cat resv/auth/token.ts' })).tier).not.toBe('reservation');
    expect((await check('dev-2', 'Read', { file_path: '/workspace/resv/auth/token.ts' })).decision).toBe('allow');
    expect((await check('dev-2', 'Write', { file_path: '/workspace/resv/ui/x.ts', content: 'x' })).decision).toBe('allow');
    expect((await check('holder-a', 'Write', write)).decision).toBe('allow');
    await client.request(SUBJECTS.delegation.releaseReservation, { actor: as('holder-a'), sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', request: { epoch: grant.epoch } }, { timeoutMs: 10_000 });
    expect(await check('dev-2', 'Write', write)).toMatchObject({ decision: 'allow', tier: 'memory' });
  });

  it('journals every decision into the event store', async () => {
    const decided = await validate(bash('git status'));
    const store = new EventStoreClient(client);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { events } = await store.read({ stream: 'decisions', type: 'validation.decided', limit: 1000 });
      const journaled = events.find((e) => e.id === decided.decisionId);
      if (journaled) {
        // The answer waited for the journal write, so its latency includes it; the event holds the time before it.
        expect(decided.latencyMs).toBeGreaterThan(journaled.data['latencyMs'] as number);
        break;
      }
      if (Date.now() > deadline) throw new Error('decision never reached the event store');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('journals a burst of concurrent decisions in groups, every one of them, and still drains single-event messages of older speed layers', async () => {
    const store = new EventStoreClient(client);
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => validate(bash(`ls -la dir-${i % 40}`))));
    // An older speed layer's journal message (one whole event on the subject itself, stream LH_DECISIONS).
    const legacyId = randomUUID();
    await client.streams.publish(SUBJECTS.speed.decided, { id: legacyId, type: 'validation.decided', stream: 'decisions', agent: 'dev-old', correlationId: legacyId, causationId: null, schemaVersion: 1, data: { decision: 'allow' } }, { msgId: legacyId });
    const wanted = new Set([...answers.map((a) => a.decisionId), legacyId]);
    expect(wanted.size).toBe(301);
    await waitUntil(async () => {
      for (let from = 1; ; ) {
        const page = await store.read({ stream: 'decisions', type: 'validation.decided', fromSequence: from, limit: 1000 });
        for (const event of page.events) wanted.delete(event.id);
        if (page.events.length === 0 || page.nextSequence === null) break;
        from = page.nextSequence;
      }
      return wanted.size === 0;
    }, 20_000, "every decision of the burst and the older speed layer's event to reach the event store");
  }, 60_000);

  it('drops an entry of a journal group that is not a decision event, and still stores the rest of the group and every later decision', async () => {
    const store = new EventStoreClient(client);
    const goodId = randomUUID();
    const good = { id: goodId, type: 'validation.decided', stream: 'decisions', agent: 'dev-1', correlationId: goodId, causationId: null, schemaVersion: 1, data: { decision: 'allow' } };
    const codec = client.codec;
    await client.streams.publishEncoded(decisionGroupSubject(), codec.encodeArrayOf([codec.encodeValue(good), codec.encodeValue({ not: 'an event' })]), { msgId: randomUUID(), stream: JETSTREAM_STREAMS.decisionGroups });
    const later = await validate(bash('ls -la after-a-bad-group'));
    const wanted = new Set([goodId, later.decisionId]);
    await waitUntil(async () => {
      const { events } = await store.read({ stream: 'decisions', type: 'validation.decided', fromSequence: 1, limit: 1000 });
      for (const event of events) wanted.delete(event.id);
      return wanted.size === 0;
    }, 20_000, 'the good entry of the group and the later decision to reach the event store');
  }, 60_000);

  it('a flood of allowed `git fetch --force` from one agent does not teach the pattern tier to allow `git push --force` (issue 14, item 3)', async () => {
    // given: one agent sends thousands of look-alikes the policy allows (each one journaled)
    const flood = 3000;
    for (let i = 0; i < flood; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => validate(bash(`git fetch --force origin feature-${i + j}`))));
    const marker = await validate(bash('git fetch --force origin flood-done'));
    expect(marker).toMatchObject({ decision: 'allow', basis: 'no-risk-seen' });
    // and the model has learned all of it (the marker came last; the follower applies in order)
    const store = new EventStoreClient(client);
    await waitUntil(async () => {
      let from = 1;
      for (;;) {
        const page = await store.read({ stream: 'decisions', type: 'validation.decided', fromSequence: from, limit: 1000 });
        if (page.events.some((e) => e.id === marker.decisionId)) return true;
        if (page.nextSequence === null) return false;
        from = page.nextSequence;
      }
    }, 30_000, 'the flood reaching the event store');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // when: the force push the policy escalates comes
    const push = await validate(bash('git push --force origin feature-x'), 15_000);
    // then: the pattern tier did not settle it; it went to an expert (none answers here: fail closed)
    expect({ tier: push.tier, decision: push.decision }).not.toMatchObject({ tier: 'pattern' });
    expect(push.decision).not.toBe('allow');
    expect(['expert', 'fallback']).toContain(push.tier);
  }, 120_000);

  it('escalates to an expert through the delegation router and uses the ruling', async () => {
    const pending = validate(bash('git reset --hard HEAD~1'));
    const { delegation } = await client.request<{ delegation: Delegation }>(SUBJECTS.delegation.next, { actor: expert, waitMs: 5000 }, { timeoutMs: 8000 });
    expect(delegation).toMatchObject({ kind: 'validation', requester: 'dev-1', target: { role: 'security_architect' } });
    const claimed = await client.request<Delegation>(SUBJECTS.delegation.claim, { actor: expert, id: delegation.id });
    await client.request(SUBJECTS.delegation.complete, { actor: expert, id: delegation.id, epoch: claimed.claimEpoch, result: { decision: 'allow', reason: 'reviewed: branch is disposable' } });
    expect(await pending).toMatchObject({ decision: 'allow', tier: 'expert', delegationId: delegation.id, reason: 'reviewed: branch is disposable' });
    expect(await validate(bash('git reset --hard HEAD~1'))).toMatchObject({ decision: 'allow', tier: 'memory' });
  }, 20_000);

  it('falls back to deny when no expert answers in time, then opens the breaker, then closes it after a good trial', async () => {
    // The window holds the earlier success too: the breaker opens once failures pass half of at least 3 calls.
    const timedOut: ValidationResult[] = [];
    for (let n = 1; n <= 4; n++) {
      const started = Date.now();
      const result = await validate(bash(`git clean -fdx build${n}`));
      expect(result).toMatchObject({ decision: 'deny', tier: 'fallback' });
      if (/circuit is open/.test(result.reason)) {
        expect(Date.now() - started).toBeLessThan(1000);
        break;
      }
      expect(result.reason).toMatch(/no expert answered in time/);
      timedOut.push(result);
    }
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    expect(timedOut.length).toBeLessThan(4);

    await new Promise((resolve) => setTimeout(resolve, 1700));
    const trial = validate(bash('git clean -fdx build5'));
    const { delegation } = await client.request<{ delegation: Delegation }>(SUBJECTS.delegation.next, { actor: expert, waitMs: 3000 }, { timeoutMs: 6000 });
    const claimed = await client.request<Delegation>(SUBJECTS.delegation.claim, { actor: expert, id: delegation.id });
    await client.request(SUBJECTS.delegation.complete, { actor: expert, id: delegation.id, epoch: claimed.claimEpoch, result: { decision: 'deny', reason: 'keep build outputs' } });
    expect(await trial).toMatchObject({ decision: 'deny', tier: 'expert' });
    // Closed again: the next escalation reaches an expert (and times out normally) instead of failing fast.
    expect(await validate(bash('git clean -fdx build6'))).toMatchObject({ tier: 'fallback', reason: expect.stringMatching(/no expert answered in time/) });
  }, 30_000);

  it('with no expert of the role left, puts the escalation to the console at once; a human allows once (remembered nowhere), then allows the pattern for a time', async () => {
    await registryEvent('expert.deregistered', { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', role: 'security_architect' });
    const operator: Actor = { agent: 'human.alice', operator: true, roles: [], capacity: 1 };
    const waiting = async (command: string) => {
      for (let i = 0; i < 50; i++) {
        const { delegations } = await client.request<{ delegations: Delegation[] }>(SUBJECTS.delegation.list, { actor: operator, scope: 'all', state: 'queued' });
        const found = delegations.find((d) => d.kind === 'validation' && d.context['command'] === command); // as normalised
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`escalation of ${command} never showed`);
    };
    const rule = (id: string, ruling: Record<string, unknown>) => client.request<Delegation>(SUBJECTS.delegation.rule, { actor: operator, id, operator: 'alice', ruling });

    const once = validate(bash('git clean -fdx dist'));
    const first = await waiting('git clean --force -d -x dist');
    expect(first.context['awaiting']).toBe('humans');
    await rule(first.id, { decision: 'allow', scope: 'once', reason: 'I asked for this clean' });
    expect(await once).toMatchObject({ decision: 'allow', tier: 'expert', basis: 'expert', ruledBy: 'human.alice', reason: 'I asked for this clean' });

    const again = validate(bash('git clean -fdx dist'));
    const second = await waiting('git clean --force -d -x dist');
    await rule(second.id, { decision: 'allow', scope: 'pattern', ttlSeconds: 600, reason: 'dist is disposable' });
    expect(await again).toMatchObject({ decision: 'allow', tier: 'expert', ruledBy: 'human.alice' });
    expect(await validate(bash('git clean -fdx dist'))).toMatchObject({ decision: 'allow', tier: 'memory', ruledBy: 'human.alice' });
    await registryEvent('expert.registered', { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', role: 'security_architect', capabilities: [], capacity: 4, status: 'available' });
  }, 20_000);

  it('never allows more when Redis is gone: local tiers go on, escalations fail closed', async () => {
    await redisServer.stop();
    expect(await validate(bash('rm -rf ~'))).toMatchObject({ decision: 'deny' });
    expect(await validate(bash('echo hello'))).toMatchObject({ decision: 'allow' });
    const escalated = await validate(bash('chmod -R 777 /workspace/app/secrets'));
    expect(escalated.decision).not.toBe('allow');
  }, 20_000);
});

async function waitForRouter(bus: NatsBus): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await bus.request(SUBJECTS.delegation.health, {}, { timeoutMs: 500 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
