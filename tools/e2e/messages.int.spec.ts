import { join } from 'node:path';
import type { Message, MessagePage, ReadResult } from '@lighthouse/contracts';
import { AgentClient, issueCredential } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// End to end through the gateway: agents write to agents, roles and threads, read their inboxes,
// acknowledge; nobody reads a message that was not sent to them, by any route.
const repo = join(__dirname, '..', '..');

describe('messages through the gateway', () => {
  let stack: E2eStack;
  let ana: AgentClient;
  let bo: AgentClient;
  let cy: AgentClient;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
    const agent = async (id: string) => {
      const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id, ['security_architect']));
      expect((await client.start()).status).toBe(201);
      return client;
    };
    [ana, bo, cy] = await Promise.all([agent('msg-ana'), agent('msg-bo'), agent('msg-cy')]);
    expect((await cy.change('POST', '/experts', { role: 'security_architect' })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('delivers a message to an agent and a role, lets a recipient reply in the thread and acknowledge, and shows the sender the receipts', async () => {
    const sent = await ana.change<Message>('POST', '/messages', { to: { agents: ['msg-bo'], roles: ['security_architect'] }, subject: 'token rotation', body: '## Rotate\nthe **keys** today', importance: 'urgent', ackRequired: true });
    expect(sent).toMatchObject({ status: 201, body: { from: 'msg-ana', recipients: ['msg-bo', 'msg-cy'], importance: 'urgent', ackRequired: true } });
    const { id, thread } = sent.body;

    const inbox = await bo.get<MessagePage>('/messages?unread=true&minImportance=high');
    expect(inbox.status).toBe(200);
    expect(inbox.body.messages.map((m) => m.id)).toEqual([id]);
    expect(inbox.body.messages[0]?.receipts).toEqual([{ agent: 'msg-bo', readAt: null, acknowledgedAt: null, note: null }]);

    const reply = await bo.change<Message>('POST', '/messages', { thread, subject: 're: token rotation', body: 'on it' });
    expect(reply).toMatchObject({ status: 201, body: { thread, recipients: ['msg-ana', 'msg-cy'] } });
    const acked = await bo.change<Message>('POST', `/messages/${id}/ack`, { note: 'rotated' });
    expect(acked).toMatchObject({ status: 200, body: { receipts: [{ agent: 'msg-bo', note: 'rotated' }] } });
    expect((await bo.get<MessagePage>('/messages?unread=true')).body.messages.map((m) => m.id)).toEqual([]);

    const seenByAna = await ana.get<MessagePage>(`/messages/threads/${thread}`);
    expect(seenByAna.body.messages.map((m) => m.subject)).toEqual(['token rotation', 're: token rotation']);
    const receipts = seenByAna.body.messages[0]?.receipts ?? [];
    expect(receipts.find((r) => r.agent === 'msg-bo')).toMatchObject({ acknowledgedAt: expect.any(String), note: 'rotated' });
    expect(receipts.find((r) => r.agent === 'msg-cy')).toMatchObject({ acknowledgedAt: null });
  }, 30_000);

  it('keeps a message between two agents from a third: no inbox entry, no thread, no receipt, no event, no forged message event', async () => {
    const sent = await ana.change<Message>('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 'private', body: 'between us' });
    const { id, thread } = sent.body;
    expect((await cy.get<MessagePage>('/messages')).body.messages.map((m) => m.id)).not.toContain(id);
    expect((await cy.get(`/messages/threads/${thread}`)).status).toBe(403);
    expect((await cy.change('POST', `/messages/${id}/ack`, {})).status).toBe(403);
    expect((await cy.change('POST', '/messages/read', { ids: [id] })).status).toBe(403);
    expect((await cy.change('POST', '/messages', { thread, subject: 'x', body: 'let me in' })).status).toBe(403);
    const events = await cy.get<ReadResult>(`/events?stream=thread-${thread}`);
    expect(events.body.events).toEqual([]);
    expect((await bo.get<ReadResult>(`/events?stream=thread-${thread}`)).body.events.map((e) => e.type)).toEqual(['message.sent']);
    const forged = await cy.change('POST', '/events', { type: 'message.sent', stream: `thread-${thread}`, data: { audience: ['msg-cy'] } });
    expect(forged.status).toBe(403);
  }, 30_000);

  it('refuses bad input with a stable error: an oversized body, unknown fields, a message to nobody, a bad cursor', async () => {
    const big = await ana.change('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 's', body: 'x'.repeat(33 * 1024) });
    expect(big.status).toBe(400);
    expect((await ana.change('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 's', body: 'b', colour: 'red' })).status).toBe(400);
    expect((await ana.change('POST', '/messages', { to: { agents: ['msg-ana'] }, subject: 's', body: 'b' })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await ana.get('/messages?cursor=nope')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await ana.get('/messages?limit=5000')).status).toBe(400);
  }, 30_000);
});
