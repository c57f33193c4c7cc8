import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deriveAuthKeys, signRequest, signToken, type TokenClaims } from '@lighthouse/auth';
import { agentStreamOf, type Expert, type ExpertList, type SessionGrant } from '@lighthouse/contracts';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AgentClient, issueCredential, prepare, send, type Answer } from './agent-client';
import { startE2eStack, stopPid, type E2eStack } from './e2e-stack';

// End to end: the built services as processes on a private NATS (the real event store, registry
// and gateway), driven over HTTP like an agent and an operator would.
const repo = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('sessions, experts and authentication through the gateway', () => {
  let stack: E2eStack;
  let bus: NatsBus;
  let events: EventStoreClient;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
    bus = await NatsBus.connect({ ...stack.natsObserver, name: 'e2e-reader' });
    events = new EventStoreClient(bus);
    redis = new Redis(stack.redisUrl);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await bus?.close();
    await stack?.stop();
  }, 60_000);

  const agent = async (agentId: string, base = stack.gatewayUrl) => {
    // Roles granted so the registration tests below can register; the grant itself is tested in tools/trust-boundaries.
    const client = new AgentClient(base, agentId, await issueCredential(base, stack.adminSecret, agentId, ['security_architect', 'reviewer', 'qa']));
    expect((await client.start()).status).toBe(201);
    return client;
  };
  const historyOf = async (agentId: string) => (await events.read({ stream: agentStreamOf(agentId), limit: 1000 })).events.map((e) => e.type);
  /** Everything of an agent a request could leave behind: its history, its Redis keys and their contents. */
  const evidenceOf = async (agentId: string) => {
    const keys = (await redis.keys(`${stack.redisPrefix}agent:{${agentId}}:*`)).sort();
    const expert = await redis.hgetall(`${stack.redisPrefix}agent:{${agentId}}:expert`);
    return { history: await historyOf(agentId), keys, expert: { ...expert, lastSeenMs: undefined } };
  };
  const forge = (claims: TokenClaims, secret = stack.tokenSecret) => signToken(claims, deriveAuthKeys(secret));

  it('gives each agent its own identity, registration and history', async () => {
    const ada = await agent('ada');
    const who = await ada.get('/whoami');
    expect(who).toMatchObject({ status: 200, body: { agentId: 'ada', sessionId: ada.session.sessionId } });
    const registered = await ada.change<Expert>('POST', '/experts', { role: 'security_architect', capabilities: ['threat-model'], capacity: 3 });
    expect(registered).toMatchObject({ status: 201, body: { agentId: 'ada', role: 'security_architect', capacity: 3, status: 'available' } });
    const listed = await ada.get<ExpertList>('/experts?role=security_architect&status=available');
    expect(listed.body.experts.map((e) => e.agentId)).toEqual(['ada']);
    expect(await historyOf('ada')).toEqual(['credential.issued', 'session.created', 'expert.registered']);
    expect(JSON.stringify((await events.read({ stream: agentStreamOf('ada') })).events)).not.toContain(ada.session.token);
  });

  it('refreshes a token for the same session, keeps it alive with heartbeats, and ends it', async () => {
    const bea = await agent('bea');
    const refreshed = await bea.change<SessionGrant>('POST', '/sessions/refresh');
    expect(refreshed).toMatchObject({ status: 200, body: { agentId: 'bea', sessionId: bea.session.sessionId } });
    bea.grant = refreshed.body;
    expect((await bea.change('POST', '/sessions/heartbeat')).status).toBe(200);
    expect((await bea.change('DELETE', `/sessions/${bea.session.sessionId}`)).status).toBe(200);
    expect((await bea.get('/whoami')).status).toBe(401);
    expect(await historyOf('bea')).toEqual(['credential.issued', 'session.created', 'session.refreshed', 'session.ended']);
  });

  describe('refuses every request that is not provably its agent, and stores nothing it sent', () => {
    let alice: AgentClient;
    let bob: AgentClient;
    const now = () => Math.floor(Date.now() / 1000);
    const bobClaims = (overrides: Partial<TokenClaims> = {}): TokenClaims => ({
      sub: 'bob',
      sid: bob.session.sessionId,
      aud: 'lighthouse',
      iat: now(),
      exp: now() + 600,
      sat: now() - 5,
      ...overrides,
    });
    /** As bob's client would register, but with the token given. */
    const registerAsBob = (token: string, sessionKey = bob.session.sessionKey) =>
      send(prepare(stack.gatewayUrl, 'POST', '/experts', { token, sessionKey, body: { role: 'reviewer' } }));

    beforeAll(async () => {
      alice = await agent('alice');
      bob = await agent('bob');
      expect((await bob.change('POST', '/experts', { role: 'security_architect' })).status).toBe(201);
    });

    async function expectRefusedWithoutTrace(status: number, attempt: () => Promise<Answer>): Promise<Answer> {
      const before = { alice: await evidenceOf('alice'), bob: await evidenceOf('bob') };
      const answer = await attempt();
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: expect.any(String) });
      expect({ alice: await evidenceOf('alice'), bob: await evidenceOf('bob') }).toEqual(before);
      return answer;
    }

    it('a forged token (signed with another secret)', async () => {
      const forged = forge(bobClaims(), randomBytes(48).toString('base64url'));
      await expectRefusedWithoutTrace(401, () => registerAsBob(forged));
    });

    it('a token with one flipped bit', async () => {
      const token = bob.session.token;
      const i = Math.floor(token.length / 2);
      const flipped = `${token.slice(0, i)}${String.fromCharCode(token.charCodeAt(i) ^ 0x02)}${token.slice(i + 1)}`;
      await expectRefusedWithoutTrace(401, () => registerAsBob(flipped));
    });

    it('an expired token', async () => {
      const expired = forge(bobClaims({ iat: now() - 1000, exp: now() - 1 }));
      const answer = await expectRefusedWithoutTrace(401, () => registerAsBob(expired));
      expect(answer.body['message']).toMatch(/expired/);
    });

    it('a token for another audience', async () => {
      const foreign = forge(bobClaims({ aud: 'staging' }));
      const answer = await expectRefusedWithoutTrace(401, () => registerAsBob(foreign));
      expect(answer.body['message']).toMatch(/audience/);
    });

    it("agent A using agent B's session", async () => {
      // A names B's session: ending it is forbidden.
      await expectRefusedWithoutTrace(403, () => alice.change('DELETE', `/sessions/${bob.session.sessionId}`));
      // A withdraws B's expert registration: forbidden.
      await expectRefusedWithoutTrace(403, () => alice.change('DELETE', '/experts/bob'));
      // A holds B's token but not B's session key: the signature gives A away.
      await expectRefusedWithoutTrace(401, () => registerAsBob(bob.session.token, alice.session.sessionKey));
      // A presents its own token with B's session key: same.
      await expectRefusedWithoutTrace(401, () => send(prepare(stack.gatewayUrl, 'POST', '/experts', { token: alice.session.token, sessionKey: bob.session.sessionKey, body: { role: 'x' } })));
      expect((await bob.change('POST', '/sessions/heartbeat')).status).toBe(200);
    });

    it('a replayed request', async () => {
      const request = bob.prepareChange('POST', '/experts', { role: 'security_architect', status: 'busy' });
      expect((await send(request)).status).toBe(201);
      const answer = await expectRefusedWithoutTrace(401, () => send(request));
      expect(answer.body['message']).toMatch(/replayed/);
    });

    it('a request signed more than 300 s ago', async () => {
      const body = JSON.stringify({ role: 'reviewer' });
      const stale = signRequest(bob.session.sessionKey, { method: 'POST', path: '/experts', body }, { nowSeconds: now() - 301 });
      const headers = { authorization: `Bearer ${bob.session.token}`, 'content-type': 'application/json', ...stale };
      await expectRefusedWithoutTrace(401, () => send({ url: `${stack.gatewayUrl}/experts`, method: 'POST', headers, body }));
    });

    it('a revoked agent', async () => {
      const carol = await agent('carol');
      expect((await carol.change('POST', '/experts', { role: 'qa' })).status).toBe(201);
      const revoked = await send(prepare(stack.gatewayUrl, 'POST', '/admin/agents/carol/revoke', { token: stack.adminSecret }));
      expect(revoked).toMatchObject({ status: 200, body: { agentId: 'carol', sessionsEnded: 1 } });
      const after = await evidenceOf('carol');
      expect(after.history.at(-1)).toBe('agent.revoked');
      expect(after.expert).toEqual({ lastSeenMs: undefined });
      expect((await carol.get('/whoami')).status).toBe(401);
      expect((await carol.change('POST', '/experts', { role: 'qa' })).status).toBe(401);
      expect((await carol.start()).status).toBe(401);
      expect(await evidenceOf('carol')).toEqual(after);
    });
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const answer = await send({ url: `${stack.gatewayUrl}/sessions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) });
    expect(answer).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('issues and revokes credentials from the command line, straight to Redis', async () => {
    const cli = (...args: string[]) => run(process.execPath, [join(stack.root, 'dist', 'apps', 'session-registry', 'main.js'), ...args], { env: stack.cliEnv });
    const issued = JSON.parse((await cli('issue-credential', '--agent', 'cli-agent')).stdout) as { agentId: string; credential: string };
    expect(issued.agentId).toBe('cli-agent');
    const client = new AgentClient(stack.gatewayUrl, 'cli-agent', issued.credential);
    expect((await client.start()).status).toBe(201);
    await cli('revoke-agent', '--agent', 'cli-agent');
    await waitFor(async () => (await client.get('/whoami')).status === 401);
    expect(await historyOf('cli-agent')).toEqual(['credential.issued', 'session.created', 'agent.revoked']);
    await expect(cli('issue-credential', '--agent', 'not an id')).rejects.toMatchObject({ code: 2 });
  }, 30_000);

  it('serves one session consistently from two registry replicas, and loses nothing when one stops', async () => {
    const second = await stack.startReplica('session-registry');
    const dora = await agent('dora');
    // Both replicas share the queue group: these land on either, and must agree throughout.
    for (let i = 0; i < 20; i++) expect((await dora.change('POST', '/sessions/heartbeat')).status).toBe(200);
    const replayable = dora.prepareChange('POST', '/experts', { role: 'reviewer' });
    expect((await send(replayable)).status).toBe(201);

    await stopPid(stack.pids['session-registry'] as number);
    // Only the second replica is left: the session, the nonce and the registration are still there.
    expect((await dora.change('POST', '/sessions/heartbeat')).status).toBe(200);
    expect((await send(replayable)).status).toBe(401);
    expect((await dora.get<ExpertList>('/experts?role=reviewer')).body.experts.map((e) => e.agentId)).toContain('dora');

    const third = await stack.startReplica('session-registry');
    await second.stop();
    expect((await dora.change('POST', '/sessions/heartbeat')).status).toBe(200);
    expect((await dora.get<ExpertList>('/experts?role=reviewer')).body.experts.map((e) => e.agentId)).toContain('dora');
    void third;
  }, 60_000);

  it('takes a revocation into effect on every gateway replica at once', async () => {
    const gateway2 = await stack.startReplica('gateway');
    const eve = await agent('eve');
    const eveThere = eve.via(gateway2.url as string);
    expect((await eveThere.get('/whoami')).body).toMatchObject({ agentId: 'eve' });
    expect((await eveThere.change('POST', '/sessions/heartbeat')).status).toBe(200);

    await send(prepare(stack.gatewayUrl, 'POST', '/admin/agents/eve/revoke', { token: stack.adminSecret }));
    expect((await eve.get('/whoami')).status).toBe(401);
    const started = Date.now();
    await waitFor(async () => (await eveThere.get('/whoami')).status === 401, 2000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await eveThere.change('POST', '/sessions/heartbeat')).status).toBe(401);
  }, 30_000);

  // Last: it stops the event store.
  it('acknowledges no change whose event was not stored: 503 with Retry-After, nothing changed', async () => {
    const fay = await agent('fay');
    const before = await evidenceOf('fay');
    await stopPid(stack.pids['event-store'] as number);
    const registered = await fay.change('POST', '/experts', { role: 'qa' });
    expect(registered.status).toBe(503);
    expect(registered.headers.get('retry-after')).toBe('1');
    expect(registered.body).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const started = await new AgentClient(stack.gatewayUrl, 'fay', fay.credential).start();
    expect(started.status).toBe(503);
    const keys = (await redis.keys(`${stack.redisPrefix}agent:{fay}:*`)).filter((k) => !k.includes(':nonce:')).sort();
    expect(keys).toEqual(before.keys.filter((k) => !k.includes(':nonce:')));
    expect(await redis.exists(`${stack.redisPrefix}agent:{fay}:expert`)).toBe(0);
  }, 30_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

