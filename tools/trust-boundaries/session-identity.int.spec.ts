import { join } from 'node:path';
import type { Delegation, SessionGrant } from '@lighthouse/contracts';
import { AgentClient, issueCredential, prepare, send } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Boundary: what proves an agent's session. A stolen token alone changes nothing (work is assigned
// only on a signed request), and a credential the operator replaced takes its sessions with it.
const repo = join(__dirname, '..', '..');

describe('a session is proven by its key, and ends with the credential that opened it', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const agent = async (agentId: string, roles?: string[]) => {
    const client = new AgentClient(stack.gatewayUrl, agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId, roles));
    expect((await client.start()).status).toBe(201);
    return client;
  };
  const expertOf = async (agentId: string) => {
    const client = await agent(agentId, ['code_reviewer']);
    expect((await client.change('POST', '/experts', { role: 'code_reviewer' })).status).toBe(201);
    return client;
  };

  it('assigns no work to a stolen token without the session key', async () => {
    const expert = await expertOf('reviewer-kim');
    const requester = await agent('dev-lee');
    const created = await requester.change<Delegation>('POST', '/delegations', { target: { role: 'code_reviewer' }, title: 'review the auth diff', body: 'diff --git a/auth.ts' });
    expect(created.status).toBe(201);

    // The thief holds the expert's bearer token (a log line, a proxy) but not its session key.
    const stolen = await send<{ delegation: Delegation | null } & { code?: string }>(prepare(stack.gatewayUrl, 'GET', '/delegations/next?waitMs=1000', { token: expert.session.token }));
    expect(stolen).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect((await requester.get<Delegation>(`/delegations/${created.body.id}`)).body).toMatchObject({ state: 'queued', assignee: null });

    // The expert itself, signing, still gets the work; the same signed request cannot be replayed.
    const signed = expert.prepareSigned('GET', '/delegations/next?waitMs=3000');
    expect(await send(signed)).toMatchObject({ status: 200, body: { delegation: { id: created.body.id, assignee: 'reviewer-kim' } } });
    expect(await send(signed)).toMatchObject({ status: 401 });
  }, 30_000);

  it('ends every session of a credential the operator replaced, at the gateway too', async () => {
    const leaked = await agent('leaky-agent');
    expect((await leaked.get('/whoami')).status).toBe(200);
    const replaced = await send<{ sessionsEnded?: number }>(prepare(stack.gatewayUrl, 'POST', '/admin/agents', { token: stack.adminSecret, body: { agentId: 'leaky-agent' } }));
    expect(replaced.status).toBe(201);

    // Whoever holds the old session's token and key can do nothing more with them.
    expect((await leaked.get('/whoami')).status).toBe(401);
    expect((await leaked.change('POST', '/sessions/heartbeat')).status).toBe(401);
    expect((await leaked.change('POST', '/sessions/refresh')).status).toBe(401);
    expect(replaced.body.sessionsEnded).toBe(1);

    // The new credential opens a session at once (in the same second as the replacement).
    const fresh = new AgentClient(stack.gatewayUrl, 'leaky-agent', (replaced.body as unknown as { credential: string }).credential);
    expect((await fresh.start()).status).toBe(201);
    expect(await fresh.get<{ sessionId: string }>('/whoami')).toMatchObject({ status: 200, body: { sessionId: (fresh.grant as SessionGrant).sessionId } });
  }, 30_000);
});
