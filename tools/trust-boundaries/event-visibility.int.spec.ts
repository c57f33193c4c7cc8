import { join } from 'node:path';
import type { Delegation, ReadResult } from '@lighthouse/contracts';
import { AgentClient, issueCredential, prepare, send, type Answer } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Issue 14, item 4: the shared history is read under the same visibility as the delegations.
// Before the fix, GET /events?type=delegation.created handed any agent every other agent's
// delegation title, body, context and results, and another agent's session stream.
const repo = join(__dirname, '..', '..');
const SECRET = 'rotate the production database password: hunter2';

describe('event visibility: an agent reads only what concerns it', () => {
  let stack: E2eStack;
  let requester: AgentClient;
  let expert: AgentClient;
  let snoop: AgentClient;
  let delegation: Delegation;

  const agent = async (id: string) => {
    const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id));
    expect((await client.start()).status).toBe(201);
    return client;
  };
  /** Every event an agent can page through for `query`, following the cursor. */
  const readAll = async (client: AgentClient | 'operator', query: string) => {
    const events: ReadResult['events'] = [];
    let from: number | null = 1;
    for (let pages = 0; from !== null && pages < 50; pages += 1) {
      const path: string = `${client === 'operator' ? '/admin/events' : '/events'}?${query}&fromSequence=${from}`;
      const page: Answer<ReadResult> = client === 'operator' ? await send<ReadResult>(prepare(stack.gatewayUrl, 'GET', path, { token: stack.adminSecret })) : await client.get<ReadResult>(path);
      expect(page.status).toBe(200);
      events.push(...page.body.events);
      from = page.body.nextSequence;
    }
    return events;
  };

  beforeAll(async () => {
    stack = await startE2eStack({ repo, env: { LH_PUBLIC_STREAMS: 'announcements' } });
    [requester, expert, snoop] = await Promise.all([agent('vis-ana'), agent('vis-bo'), agent('vis-cy')]);
    const created = await requester.change<Delegation>('POST', '/delegations', { target: { agent: 'vis-bo' }, title: 'private: credentials rotation', body: SECRET, context: { secret: SECRET } });
    expect(created.status).toBe(201);
    delegation = created.body;
    expect((await snoop.change('POST', '/events', { type: 'note.posted', stream: 'announcements', data: { text: 'standup at 10' } })).status).toBe(201);
    expect((await requester.change('POST', '/events', { type: 'note.posted', stream: 'notes-vis-ana', data: { text: SECRET } })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it("does not give another agent's delegations to an agent who is no party to them", async () => {
    const seen = await readAll(snoop, 'type=delegation.created');
    expect(seen.filter((e) => e.stream === `delegation-${delegation.id}`)).toEqual([]);
    expect(JSON.stringify(await readAll(snoop, 'limit=1000'))).not.toContain('hunter2');
  });

  it("does not give another agent's session stream or notes to an agent", async () => {
    expect(await readAll(snoop, 'stream=agent:vis-ana')).toEqual([]);
    expect(await readAll(snoop, 'stream=notes-vis-ana')).toEqual([]);
  });

  it('gives the requester and the agent it is addressed to the delegation, and its own stream to each', async () => {
    for (const party of [requester, expert]) {
      const seen = await readAll(party, `stream=delegation-${delegation.id}`);
      expect(seen.map((e) => e.type)).toContain('delegation.created');
    }
    expect((await readAll(requester, 'stream=agent:vis-ana')).map((e) => e.type)).toContain('session.created');
  });

  it('gives everyone the streams the operator made public, and the operator everything', async () => {
    expect((await readAll(requester, 'stream=announcements')).map((e) => e.data['text'])).toEqual(['standup at 10']);
    const all = await readAll('operator', 'type=delegation.created');
    expect(all.map((e) => e.stream)).toContain(`delegation-${delegation.id}`);
  });
});
