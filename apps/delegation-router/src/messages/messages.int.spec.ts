import { randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import { agentStreamOf, SUBJECTS, type Actor, type Message, type MessagePage } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { buildServices, startNats, startStack, waitFor, type NatsHandle, type Stack, testEventKeys } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { AppModule } from '../app.module';
/** Snapshots are signed with the event log keys: one keyring for every router of this file. */
const eventKeys = testEventKeys();

// The router's message book when it holds less than the history: in process, against a real NATS
// and the built event store. With a 1 MiB budget, a flood of large messages pushes an old thread
// out of memory; a reply to it is still taken (the thread is folded again from the store) and
// reaches its participants. Agents exist when the store says a credential was issued to them.
const S = SUBJECTS.message;
const config = {
  LH_DELEGATION_ASSIGN_LEASE_MS: 1500,
  LH_DELEGATION_CLAIM_LEASE_MS: 1500,
  LH_DELEGATION_TICK_MS: 100,
  LH_PUBLIC_STREAMS: 'fs',
  LH_SEARCH_MAX_DOCUMENTS: 1000,
  LH_SEARCH_MAX_BYTES: 8 * 1024 * 1024,
  LH_MESSAGE_MEMORY_BYTES: 1024 * 1024,
  LH_MESSAGE_BURST: 1000,
};
const logger = createLogger('messages-test', 'silent');
const who = (agent: string): Actor => ({ agent, roles: [], operator: false, capacity: 1 });

describe('messages in a router that holds less than the history', () => {
  let nats: NatsHandle;
  let store: Stack;
  let router: INestMicroservice | undefined;
  let client: NatsBus;
  let events: EventStoreClient;

  const call = <T>(subject: string, payload: unknown) => client.request<T>(subject, payload, { timeoutMs: 10_000 });
  const send = (from: string, request: Record<string, unknown>) => call<Message>(S.send, { actor: who(from), request, roleMembers: [], correlationId: randomUUID() });
  const inbox = (agent: string) => call<MessagePage>(S.inbox, { actor: who(agent), limit: 100 });
  const credentialEvent = (agent: string, type: 'credential.issued' | 'agent.revoked') => ({
    id: randomUUID(),
    type,
    stream: agentStreamOf(agent),
    agent,
    correlationId: 'messages-test',
    causationId: null,
    schemaVersion: 1,
    data: type === 'credential.issued' ? { by: 'operator', via: 'cli', issuedAt: new Date().toISOString() } : { by: 'operator', via: 'cli', revokedAt: new Date().toISOString(), sessionsEnded: 0 },
  });
  const issue = (agent: string) => events.append({ events: [credentialEvent(agent, 'credential.issued')] });

  beforeAll(async () => {
    const [services, started] = await Promise.all([buildServices({ apps: ['event-store'], tag: 'messages' }), startNats()]);
    nats = started;
    store = await startStack({ services, apps: ['event-store'], nats: nats.url, removeBuild: true, env: { LH_LOG_LEVEL: 'warn' } });
    client = await NatsBus.connect({ servers: nats.url, name: 'test-client' });
    events = new EventStoreClient(client);
    await events.waitUntilReady();
    for (const agent of ['ana', 'bo']) await issue(agent);
    const bus = await NatsBus.connect({ servers: nats.url, name: 'router' });
    router = await startNatsService(await AppModule.register({ config: { ...config, ...eventKeys }, bus, logger }), { service: 'delegation-router', natsUrl: nats.url, logger });
  }, 90_000);

  afterAll(async () => {
    await router?.close();
    await client?.close();
    await store?.stop();
    await nats?.stop();
  });

  it('a thread pushed out of memory by a flood still takes a reply, folded again from the store, and the reply reaches ana', async () => {
    const first = await send('ana', { to: { agents: ['bo'] }, subject: 'the old question', body: 'shall we ship?' });
    const body = 'f'.repeat(32 * 1024 - 16);
    for (let i = 0; i < 60; i++) await send('ana', { to: { agents: ['bo'] }, subject: `flood ${i}`, body });
    // bo's inbox holds what fits in 1 MiB: the old question left memory (it is still in the store).
    const listed = (await inbox('bo')).messages.map((m) => m.subject);
    expect(listed.length).toBeLessThan(40);
    expect(listed).not.toContain('the old question');
    const stored = await events.read({ stream: `thread-${first.thread}`, limit: 10 });
    expect(stored.events.map((e) => e.type)).toEqual(['message.sent']);
    const reply = await send('bo', { thread: first.thread, subject: 're: the old question', body: 'yes' });
    expect(reply).toMatchObject({ thread: first.thread, recipients: ['ana'] });
    expect((await inbox('ana')).messages.map((m) => m.subject)).toContain('re: the old question');
    const page = await call<MessagePage>(S.thread, { actor: who('ana'), thread: first.thread, limit: 10 });
    // Folded again, the thread holds its history inside the retention window once more.
    expect(page.messages.map((m) => m.subject)).toEqual(['the old question', 're: the old question']);
  }, 60_000);

  it('names only issued agents: one issued a moment ago is reachable at once, one revoked is not', async () => {
    await expect(send('ana', { to: { agents: ['cy'] }, subject: 's', body: 'b' })).rejects.toMatchObject({ code: 'UNKNOWN_RECIPIENT' });
    await issue('cy');
    expect(await send('ana', { to: { agents: ['cy'] }, subject: 'welcome', body: 'b' })).toMatchObject({ recipients: ['cy'] });
    await events.append({ events: [credentialEvent('cy', 'agent.revoked')] });
    await waitFor(
      () => send('ana', { to: { agents: ['cy'] }, subject: 'still there?', body: 'b' }).then(() => false, (error: { code?: string }) => error.code === 'UNKNOWN_RECIPIENT'),
      10_000,
      'a message to a revoked agent to be refused',
    );
  }, 30_000);
});
