import { join } from 'node:path';
import type { Expert, ExpertList, SessionGrant, WhoAmI } from '@lighthouse/contracts';
import { AgentClient, issueCredential, type Answer } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// 1000 agents create their sessions and register as experts at the same moment, through the
// built bridge. Each must either succeed as itself, or be told to come back (429 or 503 with
// Retry-After); none may ever be handed, or act as, another agent's identity.
const repo = join(__dirname, '..', '..');
const AGENTS = 1000;
const ROLE = 'load_tester';

interface Outcome {
  client: AgentClient;
  started: Answer<SessionGrant>;
  registered?: Answer<Expert>;
}

describe(`${AGENTS} agents at once`, () => {
  let stack: E2eStack;
  let clients: AgentClient[];

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
    const ids = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(4, '0')}`);
    const credentials = await inBatches(ids, 100, (id) => issueCredential(stack.gatewayUrl, stack.adminSecret, id, [ROLE]));
    clients = ids.map((id, i) => new AgentClient(stack.gatewayUrl, id, credentials[i] as string));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('each succeeds as itself or is told when to retry', async () => {
    const outcomes: Outcome[] = await Promise.all(
      clients.map(async (client) => {
        const started = await client.start();
        if (started.status !== 201) return { client, started };
        const registered = await client.change<Expert>('POST', '/experts', { role: ROLE, capabilities: [client.agentId] });
        return { client, started, registered };
      }),
    );

    const summary: Record<string, number> = {};
    for (const { client, started, registered } of outcomes) {
      for (const answer of [started, registered]) {
        if (!answer) continue;
        summary[answer.status] = (summary[answer.status] ?? 0) + 1;
        expect([201, 429, 503]).toContain(answer.status);
        if (answer.status !== 201) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      if (started.status === 201) {
        expect(started.body.agentId).toBe(client.agentId);
        expect(subjectOf(started.body.token)).toBe(client.agentId);
      }
      if (registered?.status === 201) expect(registered.body).toMatchObject({ agentId: client.agentId, capabilities: [client.agentId] });
    }
    process.stderr.write(`[${AGENTS} agents] answers by status: ${JSON.stringify(summary)}\n`);

    const live = outcomes.filter((o) => o.started.status === 201);
    const registered = outcomes.filter((o) => o.registered?.status === 201).map((o) => o.client.agentId);
    expect(live.length).toBeGreaterThan(0);

    // Every live session still proves exactly its own agent.
    const whoami = await Promise.all(live.map((o) => o.client.get<WhoAmI>('/whoami')));
    whoami.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ agentId: live[i]?.client.agentId, sessionId: live[i]?.client.session.sessionId });
    });

    // The registry holds each registration under its own agent, and only those.
    const listed = await (live[0] as Outcome).client.get<ExpertList>(`/experts?role=${ROLE}&limit=1000`);
    expect(listed.status).toBe(200);
    expect(listed.body.experts.map((e) => e.agentId).sort()).toEqual(registered.sort());
    for (const expert of listed.body.experts) expect(expert.capabilities).toEqual([expert.agentId]);
  }, 120_000);
});

function subjectOf(token: string): string {
  const payload = token.split('.')[1] as string;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string }).sub;
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}
