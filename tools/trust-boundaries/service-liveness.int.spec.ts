import { join } from 'node:path';
import type { Delegation, ReadResult } from '@lighthouse/contracts';
import { AgentClient, issueCredential } from '../e2e/agent-client';
import { startE2eStack, stopPid, type E2eStack } from '../e2e/e2e-stack';

// Issue 14, item 1: no agent can crash a service with replies larger than the NATS frame limit.
// Before the fix, a reply over 1 MiB threw inside Nest's reply path (outside any handler's
// try/catch), the rejection went unhandled and the process exited; followers catching up then
// re-read the same page and crashed the store again.
const repo = join(__dirname, '..', '..');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('service liveness: replies are bounded, no service exits on what an agent sends', () => {
  let stack: E2eStack;
  let agent: AgentClient;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
    agent = new AgentClient(stack.gatewayUrl, 'bulky-agent', await issueCredential(stack.gatewayUrl, stack.adminSecret, 'bulky-agent'));
    expect((await agent.start()).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const expectEveryServiceUp = async () => {
    for (const [app, pid] of Object.entries(stack.pids)) expect({ app, alive: alive(pid) }).toEqual({ app, alive: true });
    const health = await fetch(`${stack.gatewayUrl}/health`);
    expect(health.status).toBe(200);
  };

  it('two events of 600 KB then a read of their stream: paged under the frame limit, the store stays up', async () => {
    const stream = `bulk-${Date.now()}`;
    for (let i = 0; i < 2; i += 1) {
      const stored = await agent.change('POST', '/events', { type: 'note.bulk', stream, data: { i, blob: 'x'.repeat(600_000) } });
      expect(stored.status).toBe(201);
    }
    const first = await agent.get<ReadResult>(`/events?stream=${stream}`);
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(1);
    expect(first.body.nextSequence).not.toBeNull();
    const second = await agent.get<ReadResult>(`/events?stream=${stream}&fromSequence=${first.body.nextSequence}`);
    expect(second.status).toBe(200);
    expect(second.body.events.map((e) => e.data['i'])).toEqual([1]);
    await expectEveryServiceUp();
  }, 60_000);

  it('twenty delegations of 60 KB then one list: paged with a cursor, the router stays up', async () => {
    for (let i = 0; i < 20; i += 1) {
      const created = await agent.change<Delegation>('POST', '/delegations', { target: { role: 'bulk_reader' }, title: `bulk ${i}`, body: 'y'.repeat(60_000) });
      expect(created.status).toBe(201);
    }
    const seen = new Set<string>();
    let path = '/delegations?limit=500';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await agent.get<{ delegations: Delegation[]; nextCursor: string | null }>(path);
      expect(page.status).toBe(200);
      expect(page.body.delegations.length).toBeGreaterThan(0);
      for (const d of page.body.delegations) seen.add(d.id);
      if (page.body.nextCursor === null) break;
      path = `/delegations?limit=500&cursor=${encodeURIComponent(page.body.nextCursor)}`;
    }
    expect(seen.size).toBe(20);
    await expectEveryServiceUp();
  }, 60_000);

  it('a restart afterwards comes up and catches up: the event store reopens its log, followers read through the large events', async () => {
    await stopPid(stack.pids['event-store'] as number);
    const store = await stack.startReplica('event-store');
    for (const app of ['delegation-router', 'speed-layer'] as const) await stopPid(stack.pids[app] as number);
    const router = await stack.startReplica('delegation-router');
    const speed = await stack.startReplica('speed-layer');
    const listed = await agent.get<{ delegations: Delegation[] }>('/delegations?limit=5');
    expect(listed.status).toBe(200);
    expect(listed.body.delegations).toHaveLength(5);
    const read = await agent.get<ReadResult>('/events?type=note.bulk');
    expect(read.status).toBe(200);
    expect(read.body.events.length).toBeGreaterThan(0);
    for (const replica of [store, router, speed]) expect(alive(replica.pid)).toBe(true);
    expect((await fetch(`${stack.gatewayUrl}/health`)).status).toBe(200);
  }, 90_000);
});
