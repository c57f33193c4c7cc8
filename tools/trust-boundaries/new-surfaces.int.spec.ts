import { join } from 'node:path';
import type { Delegation, Message } from '@lighthouse/contracts';
import { AgentClient, issueCredential, prepare, send } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Boundary: the surfaces added with the operator console and messages between agents, attacked
// by one ordinary agent over HTTP. It cannot reach the console's API or stream (its token, a
// forged cookie, a real cookie without the CSRF header), cannot read or mark messages it is not
// part of, and cannot put an escalation of its own making before the humans who rule on them.
const repo = join(__dirname, '..', '..');

describe('new surfaces (console, messages) hold against a hostile agent', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ repo, env: { LH_SPEED_ESCALATION_TIMEOUT_MS: '8000' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const agent = async (agentId: string, roles?: string[]) => {
    const client = new AgentClient(stack.gatewayUrl, agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId, roles));
    expect((await client.start()).status).toBe(201);
    return client;
  };
  const signIn = async () => {
    const answer = await send<{ csrfToken: string }>(prepare(stack.gatewayUrl, 'POST', '/console/api/session', { body: { operator: 'olga', secret: stack.adminSecret } }));
    expect(answer.status).toBe(200);
    const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] as string;
    return { cookie, csrf: answer.body.csrfToken };
  };

  it('keeps an agent out of the console API and stream: token, forged cookie, cookie without CSRF', async () => {
    const mallory = await agent('mallory-console');
    const { cookie } = await signIn();
    const forged = `lh_console=v1.${Buffer.from(JSON.stringify({ sid: 'x', operator: 'mallory', via: 'admin-secret', issuedAt: 0, expiresAt: 9e15 })).toString('base64url')}.AAAA`;
    const token = mallory.session.token;
    const ruling = { decision: 'allow', scope: 'once', reason: 'fine' };
    const id = '00000000-0000-4000-8000-000000000000';
    const statuses = await Promise.all([
      send(prepare(stack.gatewayUrl, 'GET', '/console/api/escalations', { token })),
      send(prepare(stack.gatewayUrl, 'GET', '/console/api/snapshot', { headers: { cookie: forged } })),
      send(prepare(stack.gatewayUrl, 'POST', `/console/api/escalations/${id}/ruling`, { token, body: ruling })),
      send(prepare(stack.gatewayUrl, 'POST', `/console/api/escalations/${id}/ruling`, { body: ruling, headers: { cookie } })),
      send(prepare(stack.gatewayUrl, 'POST', `/console/api/escalations/${id}/ruling`, { body: ruling, headers: { cookie: forged, 'x-lh-csrf': 'whatever' } })),
    ]).then((answers) => answers.map((a) => a.status));
    expect(statuses).toEqual([401, 401, 401, 403, 401]);
  }, 30_000);

  it('does not let an agent read, mark read or acknowledge a message of a thread it is not part of', async () => {
    const [alice, bob, mallory] = await Promise.all([agent('alice-msg'), agent('bob-msg'), agent('mallory-msg')]);
    const sent = await alice.change<Message>('POST', '/messages', { to: { agents: ['bob-msg'] }, subject: 'secret', body: 'the launch code is 1234', ackRequired: true });
    expect(sent.status).toBe(201);
    const { id, thread } = sent.body;
    const answers = await Promise.all([
      mallory.get(`/messages/threads/${thread}`),
      mallory.change('POST', '/messages/read', { ids: [id] }),
      mallory.change('POST', `/messages/${id}/ack`, {}),
      mallory.change('POST', '/messages', { thread, subject: 're', body: 'let me in' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403]);
    expect(JSON.stringify(answers.map((a) => a.body))).not.toContain('launch code');
    expect((await mallory.get<{ messages: Message[] }>('/messages')).body.messages).toEqual([]);
    expect((await bob.get<{ messages: Message[] }>('/messages')).body.messages.map((m) => m.id)).toEqual([id]);
  }, 30_000);

  it('refuses an escalation forged by an agent, so the console shows humans only the bridge\'s own', async () => {
    const mallory = await agent('mallory-escalation');
    const forged = await mallory.change<{ code?: string }>('POST', '/delegations', {
      kind: 'validation',
      target: { role: 'security_architect' },
      title: 'Bash: git push (allow once, routine)',
      body: 'routine push, please allow',
      context: { awaiting: 'humans', tool: 'Bash' },
    });
    const { cookie } = await signIn();
    const shown = await send<{ escalations: Delegation[] }>(prepare(stack.gatewayUrl, 'GET', '/console/api/escalations', { headers: { cookie } }));
    expect({ status: forged.status, code: forged.body.code, shown: shown.body.escalations.filter((d) => d.requester === 'mallory-escalation').length }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      shown: 0,
    });
    // A task of its own is still its to create.
    expect((await mallory.change('POST', '/delegations', { target: { role: 'security_architect' }, title: 'a task', deadlineSeconds: 60 })).status).toBe(201);
  }, 30_000);

  it('cannot push a waiting escalation off the console by flooding the router with tasks', async () => {
    const [victim, mallory] = await Promise.all([agent('victim-flood'), agent('mallory-flood')]);
    const { cookie } = await signIn();
    // The escalations the API lists, and those the pages find among the board's delegations.
    const waiting = async () => {
      const [listed, board] = await Promise.all([
        send<{ escalations: Delegation[] }>(prepare(stack.gatewayUrl, 'GET', '/console/api/escalations', { headers: { cookie } })),
        send<{ delegations: Delegation[] }>(prepare(stack.gatewayUrl, 'GET', '/console/api/snapshot', { headers: { cookie } })),
      ]);
      const victims = (list: Delegation[]) => list.filter((d) => d.requester === 'victim-flood' && d.kind === 'validation').length;
      return victims(listed.body.escalations) + victims(board.body.delegations);
    };
    // No expert of the role is registered: the question goes to the console at once.
    const validating = victim.change('POST', '/validate', { tool: 'Bash', input: { command: 'shred -u flood-notes.txt' }, cwd: '/workspace' });
    const deadline = Date.now() + 5_000;
    while ((await waiting()) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await waiting()).toBe(2);
    // Twenty large tasks of mallory's own, newer than the escalation, to nobody who exists.
    const body = 'x'.repeat(60 * 1024);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => mallory.change('POST', '/delegations', { target: { role: 'nobody_here' }, title: `filler ${i}`, body, deadlineSeconds: 60 })),
    );
    expect(created.every((c) => c.status === 201)).toBe(true);
    expect(await waiting()).toBe(2);
    await validating;
  }, 30_000);
});
