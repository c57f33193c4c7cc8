import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, sessionKeyOf, signRequest, signToken } from '@lighthouse/auth';
import { loadConfig } from '@lighthouse/config';
import { SUBJECTS } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { startNats, type NatsHandle } from '@lighthouse/testing';
import { FrameCodec } from '@lighthouse/transport';
import { connect, type NatsConnection } from 'nats';
import { createGateway } from '../gateway.app';
import { gatewayConfigShape } from '../gateway.config';

const secret = randomBytes(32).toString('base64url');
const adminSecret = randomBytes(32).toString('base64url');
const keys = deriveAuthKeys(secret);
const codec = new FrameCodec();

function agentToken(sub: string): { token: string; sid: string } {
  const now = Math.floor(Date.now() / 1000);
  const sid = randomBytes(16).toString('base64url');
  return { token: signToken({ sub, sid, aud: 'lighthouse', iat: now, exp: now + 900, sat: now }, keys), sid };
}

/**
 * Operator sign-in to the console, over HTTP against the gateway on a private NATS: the secret
 * only in a body, the cookie's attributes, CSRF on every change, sign-out, and agents' tokens
 * opening nothing.
 */
describe('console sign-in', () => {
  let nats: NatsHandle;
  let raw: NatsConnection;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    nats = await startNats();
    raw = await connect({ servers: nats.url });
    raw.subscribe(SUBJECTS.session.revocations, {
      callback: (_e, msg) => msg.respond(codec.encode({ id: codec.decodeRequest(msg.data).id, response: { revocations: [] }, isDisposed: true })),
    });
    const config = loadConfig(gatewayConfigShape, {
      NATS_URL: nats.url, LH_TOKEN_SECRET: secret, LH_ADMIN_SECRET: adminSecret, LH_LOG_LEVEL: 'silent', LH_TRUST_PROXY: '127.0.0.1', LH_REQUEST_TIMEOUT_MS: '500',
    });
    app = await createGateway(config, createLogger('console-test', 'silent'));
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    await nats?.stop();
  });

  const signIn = (body: unknown, path = '/console/api/session', headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0] as string;

  async function signedIn(operator = 'alice'): Promise<{ cookie: string; csrf: string }> {
    const response = await signIn({ operator, secret: adminSecret });
    expect(response.status).toBe(200);
    return { cookie: cookieOf(response), csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
  }

  it('signs an operator in with the admin secret into an httpOnly, SameSite=Strict cookie scoped to the console', async () => {
    const response = await signIn({ operator: 'alice', secret: adminSecret });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^lh_console=v1\.[^;]+; Path=\/console; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(adminSecret);
    const me = await fetch(`${url}/console/api/me`, { headers: { cookie: cookieOf(response) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ operator: 'alice', expiresAt: expect.any(String), csrfToken: expect.any(String) });
  });

  it('marks the cookie Secure when the console is reached over HTTPS (behind a trusted proxy)', async () => {
    const response = await signIn({ operator: 'alice', secret: adminSecret }, '/console/api/session', { 'x-forwarded-proto': 'https' });
    expect(response.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('never takes the secret in a URL, and refuses a wrong secret without a cookie', async () => {
    const inUrl = await signIn({ operator: 'alice', secret: adminSecret }, `/console/api/session?secret=${adminSecret}`);
    expect(inUrl.status).toBe(400);
    expect(inUrl.headers.get('set-cookie')).toBeNull();
    const wrong = await signIn({ operator: 'alice', secret: adminSecret.slice(1) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const getForm = await fetch(`${url}/console/api/session?operator=alice&secret=${adminSecret}`);
    expect(getForm.status).toBe(404);
    expect((await signIn({ operator: 'alice', secret: adminSecret, extra: 1 })).status).toBe(400);
    expect((await signIn({ operator: 'al ice', secret: adminSecret })).status).toBe(400);
  });

  it('refuses a change without the CSRF token of the session, or from another origin', async () => {
    const { cookie, csrf } = await signedIn();
    const other = await signedIn('bob');
    const end = (headers: Record<string, string>) => fetch(`${url}/console/api/session/end`, { method: 'POST', headers: { cookie, ...headers } });
    expect((await end({})).status).toBe(403);
    expect((await end({ 'x-lh-csrf': other.csrf })).status).toBe(403);
    expect((await end({ 'x-lh-csrf': csrf, origin: 'http://evil.example' })).status).toBe(403);
    expect((await fetch(`${url}/console/api/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('signs out: the cookie is cleared and no longer opens the console', async () => {
    const { cookie, csrf } = await signedIn();
    const out = await fetch(`${url}/console/api/session/end`, { method: 'POST', headers: { cookie, 'x-lh-csrf': csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${url}/console/api/me`, { headers: { cookie } })).status).toBe(401);
    const page = await fetch(`${url}/console/agents`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
  });

  it('opens no console page or API to an agent token, signed or not, nor to the admin secret as a bearer', async () => {
    const { token, sid } = agentToken('agent-sneaky');
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/console/api/me`, { headers: bearer })).status).toBe(401);
    expect((await fetch(`${url}/console/api/me`, { headers: { authorization: `Bearer ${adminSecret}` } })).status).toBe(401);
    const signed = signRequest(sessionKeyOf(keys, sid).toString('base64url'), { method: 'POST', path: '/console/api/session/end' });
    expect((await fetch(`${url}/console/api/session/end`, { method: 'POST', headers: { ...bearer, ...signed } })).status).toBe(401);
    for (const page of ['/console', '/console/agents', '/console/escalations']) {
      const response = await fetch(`${url}${page}`, { headers: bearer, redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/console/sign-in');
    }
  });

  it('refuses a forged cookie, and the console cookie opens no agent route', async () => {
    const { cookie } = await signedIn();
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${url}/console/api/me`, { headers: { cookie: forged } })).status).toBe(401);
    expect((await fetch(`${url}/whoami`, { headers: { cookie } })).status).toBe(401);
  });

  it('serves a page with a strict content security policy to a signed-in operator', async () => {
    const { cookie } = await signedIn();
    const page = await fetch(`${url}/console/agents`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/console/assets/app.js');
    expect((await fetch(`${url}/console/nope`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${url}/console/assets/..%2Fmain.js`)).status).toBe(404);
  });
});
