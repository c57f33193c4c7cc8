import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, sessionKeyOf, signRequest, signToken, type TokenClaims } from '@lighthouse/auth';
import { loadConfig } from '@lighthouse/config';
import { SUBJECTS, type Revocation } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { startNats, type NatsHandle } from '@lighthouse/testing';
import { FrameCodec } from '@lighthouse/transport';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { createGateway } from './gateway.app';
import { gatewayConfigShape } from './gateway.config';
import { API_ROUTES } from './openapi/api-routes';

const secret = randomBytes(32).toString('base64url');
const adminSecret = randomBytes(32).toString('base64url');
const keys = deriveAuthKeys(secret);
const codec = new FrameCodec();
const logger = createLogger('gateway-test', 'silent');

/** A token as the registry would sign it, for any agent (the gateway checks tokens without a hop). */
function tokenFor(sub: string, overrides: Partial<TokenClaims> = {}): { token: string; claims: TokenClaims } {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, sid: randomBytes(16).toString('base64url'), aud: 'lighthouse', iat: now, exp: now + 900, sat: now, ...overrides };
  return { token: signToken(claims, keys), claims };
}

/**
 * The gateway alone on a private NATS. A stand-in for the registry answers the revocation list
 * (this app may not import the registry; tools/e2e runs the real one) and counts every other
 * registry message, so a test can show that a refused request never left the gateway.
 */
describe('gateway over HTTP, alone on a private NATS', () => {
  let nats: NatsHandle;
  let raw: NatsConnection;
  let app: NestFastifyApplication;
  let url: string;
  let commands: Subscription;
  const revocations: Revocation[] = [];
  const reachedRegistry: string[] = [];
  const routes: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    nats = await startNats();
    raw = await connect({ servers: nats.url });
    raw.subscribe(SUBJECTS.session.revocations, {
      callback: (_e, msg) => msg.respond(codec.encode({ id: codec.decodeRequest(msg.data).id, response: { revocations }, isDisposed: true })),
    });
    commands = raw.subscribe('lh.session.cmd.>', { callback: (_e, msg) => reachedRegistry.push(msg.subject) });
    raw.subscribe(SUBJECTS.session.experts, { callback: (_e, msg) => reachedRegistry.push(msg.subject) });
    app = await startGateway({ LH_RATE_LIMIT_RPS: '1', LH_RATE_LIMIT_BURST: '5', LH_MAX_BODY_BYTES: '4096' }, routes);
    url = await app.getUrl();
    await waitUntilReady(url);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    await nats?.stop();
  });

  async function startGateway(env: Record<string, string>, routeLog?: Array<{ method: string; url: string }>): Promise<NestFastifyApplication> {
    const config = loadConfig(gatewayConfigShape, {
      NATS_URL: nats.url,
      LH_TOKEN_SECRET: secret,
      LH_ADMIN_SECRET: adminSecret,
      LH_REQUEST_TIMEOUT_MS: '500',
      LH_LOG_LEVEL: 'silent',
      ...env,
    });
    const gateway = await createGateway(config, logger);
    if (routeLog) {
      gateway.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') routeLog.push({ method, url: route.url });
      });
    }
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    return gateway;
  }

  const get = (path: string, token?: string) => fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers who the token proves, without asking the registry', async () => {
    const { token, claims } = tokenFor('agent-who');
    const response = await get('/whoami', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ agentId: 'agent-who', sessionId: claims.sid, audience: 'lighthouse' });
    expect(reachedRegistry).toEqual([]);
  });

  it('refuses missing, forged, flipped, expired and foreign-audience tokens with 401, before any NATS hop', async () => {
    const { token } = tokenFor('agent-x');
    const forged = signToken(tokenFor('agent-x').claims, deriveAuthKeys(randomBytes(32).toString('base64url')));
    const i = token.length - 5;
    const flipped = `${token.slice(0, i)}${String.fromCharCode(token.charCodeAt(i) ^ 1)}${token.slice(i + 1)}`;
    const now = Math.floor(Date.now() / 1000);
    const expired = tokenFor('agent-x', { iat: now - 1000, exp: now - 1 }).token;
    const foreign = tokenFor('agent-x', { aud: 'staging' }).token;
    for (const bad of [undefined, forged, flipped, expired, foreign]) {
      for (const path of ['/whoami', '/experts']) {
        const response = await get(path, bad);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
        expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
      }
    }
    expect(reachedRegistry).toEqual([]);
  });

  it('refuses an unsigned or badly signed change before it reaches the registry', async () => {
    const { token, claims } = tokenFor('agent-sig');
    const body = JSON.stringify({ role: 'qa' });
    const unsigned = await fetch(`${url}/experts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const otherKey = sessionKeyOf(keys, randomBytes(16).toString('base64url')).toString('base64url');
    const wrongKey = signRequest(otherKey, { method: 'POST', path: '/experts', body });
    const response = await fetch(`${url}/experts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...wrongKey }, body });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/signature/);
    const rightKey = signRequest(sessionKeyOf(keys, claims.sid).toString('base64url'), { method: 'POST', path: '/experts', body });
    const tampered = await fetch(`${url}/experts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...rightKey },
      body: JSON.stringify({ role: 'qb' }),
    });
    expect(tampered.status).toBe(401);
    expect(reachedRegistry).toEqual([]);
  });

  it('refuses a revoked agent as soon as the revocation is published', async () => {
    const { token } = tokenFor('agent-revoked');
    expect((await get('/whoami', token)).status).toBe(200);
    const revocation = { kind: 'agent', agentId: 'agent-revoked', revokedAt: Math.floor(Date.now() / 1000) };
    raw.publish(SUBJECTS.session.revoked, codec.encode({ pattern: SUBJECTS.session.revoked, data: revocation }));
    await raw.flush();
    await waitFor(async () => (await get('/whoami', token)).status === 401);
    expect(await (await get('/whoami', token)).json()).toEqual({ code: 'UNAUTHENTICATED', message: 'the agent has been revoked' });
  });

  it('answers 413 for a body over the limit before parsing it', async () => {
    const notJson = 'x'.repeat(8192);
    const response = await fetch(`${url}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notJson });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    const small = await fetch(`${url}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100) });
    expect(small.status).toBe(400);
  });

  it('rejects unknown fields with 400 and a stable code', async () => {
    const credential = `lhc_${randomBytes(32).toString('base64url')}`;
    const response = await fetch(`${url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-u', credential, role: 'admin' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringContaining('role') });
    const query = await get('/experts?sort=name', tokenFor('agent-u').token);
    expect(query.status).toBe(400);
    expect(reachedRegistry).toEqual([]);
  });

  it('rate-limits each agent with 429 and Retry-After, leaving other agents alone', async () => {
    const { token } = tokenFor('agent-busy');
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await get('/whoami', token)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await get('/whoami', token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await get('/whoami', tokenFor('agent-calm').token)).status).toBe(200);
  });

  it('lets the operator in with the admin secret only', async () => {
    const post = (authorization: string) =>
      fetch(`${url}/admin/agents/agent-z/revoke`, { method: 'POST', headers: { authorization } });
    expect((await post(`Bearer ${adminSecret.slice(1)}`)).status).toBe(401);
    expect((await post(`Bearer ${tokenFor('agent-z').token}`)).status).toBe(401);
    expect(reachedRegistry).toEqual([]);
  });

  it('serves an OpenAPI document that describes exactly the routes it serves', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = routes.map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    expect(documented).toHaveLength(API_ROUTES.length);
  });

  it('answers 503 with Retry-After when the registry answers too late', async () => {
    const { token, claims } = tokenFor('agent-slow');
    const sessionKey = sessionKeyOf(keys, claims.sid).toString('base64url');
    const headers = { authorization: `Bearer ${token}`, ...signRequest(sessionKey, { method: 'POST', path: '/sessions/heartbeat' }) };
    const response = await fetch(`${url}/sessions/heartbeat`, { method: 'POST', headers });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('did not answer in time'), retryAfterSeconds: 1 });
    expect(reachedRegistry).toEqual([SUBJECTS.session.heartbeat]);
  });

  it('answers 503 with Retry-After when no registry is there at all', async () => {
    commands.unsubscribe();
    const credential = `lhc_${randomBytes(32).toString('base64url')}`;
    const response = await fetch(`${url}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: 'agent-d', credential }) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('refuses agent routes with 503 until it has the revocation list, then serves them', async () => {
    const lonely = await startNats();
    const config = loadConfig(gatewayConfigShape, { NATS_URL: lonely.url, LH_TOKEN_SECRET: secret, LH_LOG_LEVEL: 'silent' });
    const gateway = await createGateway(config, logger);
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    const lonelyRaw = await connect({ servers: lonely.url });
    try {
      const { token } = tokenFor('agent-early');
      const early = await fetch(`${await gateway.getUrl()}/whoami`, { headers: { authorization: `Bearer ${token}` } });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${await gateway.getUrl()}/health/live`)).status).toBe(200);
      lonelyRaw.subscribe(SUBJECTS.session.revocations, {
        callback: (_e, msg) => msg.respond(codec.encode({ id: codec.decodeRequest(msg.data).id, response: { revocations: [] }, isDisposed: true })),
      });
      await waitFor(async () => (await fetch(`${await gateway.getUrl()}/whoami`, { headers: { authorization: `Bearer ${token}` } })).status === 200, 5000);
    } finally {
      await gateway.close();
      await lonelyRaw.close();
      await lonely.stop();
    }
  }, 20_000);

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await fetch(`${url}/health/live`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${url}/health/live`, { headers: { 'x-request-id': 'bad id\u0001' } }).catch(() => fetch(`${url}/health/live`));
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  async function waitUntilReady(base: string): Promise<void> {
    await waitFor(async () => (await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${tokenFor('probe').token}` } })).status === 200, 5000);
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
