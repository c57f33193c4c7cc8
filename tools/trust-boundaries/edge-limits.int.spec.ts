import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { SUBJECTS } from '@lighthouse/contracts';
import { connect, type NatsConnection } from 'nats';
import { issueCredential } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Issue 14, item 7: what the gateway's edge spends on behalf of callers it cannot yet trust.
// Before the fix, the credential exchange was rate-limited by the agentId in the body (anyone
// could empty a named victim's bucket with bad credentials and lock it out), and every GET
// /health asked every service over NATS. (The production ingress is checked offline in
// tools/deploy: only the agent API is routed, never /metrics or /admin.)
const repo = join(__dirname, '..', '..');

/** A request from a chosen loopback source address (127.0.0.0/8 is all local on Linux). */
function from(source: string, base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${path}`,
      { method, localAddress: source, headers: payload ? { 'content-type': 'application/json' } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

describe('edge limits: nobody can lock an agent out, and /health costs the services little', () => {
  let stack: E2eStack;
  let nats: NatsConnection;

  beforeAll(async () => {
    // A small burst so the attack is quick; a slow refill so the bucket stays empty meanwhile.
    stack = await startE2eStack({ repo, env: { LH_RATE_LIMIT_BURST: '5', LH_RATE_LIMIT_RPS: '0.5' } });
    nats = await connect(stack.natsObserver);
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  }, 60_000);

  it('bad credentials sent in a victim’s name from another address do not lock the victim out', async () => {
    const credential = await issueCredential(stack.gatewayUrl, stack.adminSecret, 'victim');
    const attempts = [];
    for (let i = 0; i < 12; i += 1) attempts.push((await from('127.0.0.3', stack.gatewayUrl, 'POST', '/sessions', { agentId: 'victim', credential: `lhc_${'A'.repeat(43)}` })).status);
    // The attacker's own address is limited …
    expect(attempts).toContain(429);
    // … and the victim, from its own address, still opens its session.
    const own = await from('127.0.0.2', stack.gatewayUrl, 'POST', '/sessions', { agentId: 'victim', credential });
    expect(own.status).toBe(201);
  }, 60_000);

  it('a burst of GET /health asks each service at most about once a second, and is limited per address', async () => {
    let asked = 0;
    const subscription = nats.subscribe(SUBJECTS.events.health, { callback: () => (asked += 1) });
    await nats.flush();
    await new Promise((resolve) => setTimeout(resolve, 1200)); // let any earlier health check settle
    asked = 0;
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 30; i += 1) statuses.push((await from('127.0.0.4', stack.gatewayUrl, 'GET', '/health')).status);
    const seconds = (Date.now() - started) / 1000;
    await nats.flush();
    subscription.unsubscribe();
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // Another address is not limited by the first one's burst.
    expect((await from('127.0.0.5', stack.gatewayUrl, 'GET', '/health')).status).toBe(200);
  }, 60_000);
});
