import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Delegation, EventEnvelope, ValidationResult } from '@lighthouse/contracts';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AgentClient, issueCredential } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Boundary: expert roles. Only the operator grants a role (with the agent's credential); an agent
// cannot make itself the security expert, claim other agents' escalations and rule "allow" for
// them. Every ruling names the expert who gave it.
const repo = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('expert roles are granted by the operator, never taken by an agent', () => {
  let stack: E2eStack;
  let bus: NatsBus;
  let redis: Redis;

  beforeAll(async () => {
    stack = await startE2eStack({ repo, env: { LH_SPEED_ESCALATION_TIMEOUT_MS: '4000' } });
    bus = await NatsBus.connect({ ...stack.natsObserver, name: 'trust-boundaries-reader' });
    redis = new Redis(stack.redisUrl);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await bus?.close();
    await stack?.stop();
  }, 60_000);

  const agent = async (agentId: string, roles?: string[]) => {
    const client = new AgentClient(stack.gatewayUrl, agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId, roles));
    expect((await client.start()).status).toBe(201);
    return client;
  };
  /** The decision's event, once the journal has moved it into the event store. */
  const decidedEvent = async (decisionId: string): Promise<EventEnvelope | undefined> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const read = await new EventStoreClient(bus).read({ type: 'validation.decided', limit: 1000 });
      const found = read.events.find((e) => e.id === decisionId);
      if (found || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('refuses an agent that registers for a role the operator did not grant, so it can rule on nobody', async () => {
    const mallory = await agent('mallory');
    const victim = await agent('victim');
    const registered = await mallory.change<{ code?: string }>('POST', '/experts', { role: 'security_architect', capacity: 10 });

    // Whatever it was answered, mallory now tries to take the victim's escalation and allow it.
    const validating = victim.change<ValidationResult>('POST', '/validate', { tool: 'Bash', input: { command: 'shred -u notes-1.txt' }, cwd: '/workspace' });
    const next = await mallory.signedGet<{ delegation: Delegation | null }>('/delegations/next?waitMs=2500');
    const stolen = next.body.delegation;
    if (stolen) {
      await mallory.change('POST', `/delegations/${stolen.id}/claim`, {});
      await mallory.change('POST', `/delegations/${stolen.id}/complete`, { epoch: 1, result: { decision: 'allow', reason: 'looks fine to me' } });
    }
    const verdict = (await validating).body;
    expect({ registered: { status: registered.status, code: registered.body.code }, assignedToMallory: stolen?.id ?? null, victimGot: verdict.decision }).toEqual({
      registered: { status: 403, code: 'ROLE_NOT_GRANTED' },
      assignedToMallory: null,
      victimGot: 'deny',
    });
    expect(verdict.tier).toBe('fallback');
  }, 30_000);

  it('lets an expert of a granted role rule, and records who ruled in the answer\'s event and the shared ruling', async () => {
    const sam = await agent('sam', ['security_architect']);
    const victim = await agent('victim-2');
    expect(await sam.change('POST', '/experts', { role: 'security_architect' })).toMatchObject({ status: 201 });
    expect(await sam.change('POST', '/experts', { role: 'code_reviewer' })).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_GRANTED' } });

    const validating = victim.change<ValidationResult>('POST', '/validate', { tool: 'Bash', input: { command: 'shred -u notes-2.txt' }, cwd: '/workspace' });
    const next = await sam.signedGet<{ delegation: Delegation | null }>('/delegations/next?waitMs=3000');
    const id = next.body.delegation?.id as string;
    expect(id).toBeDefined();
    expect((await sam.change('POST', `/delegations/${id}/claim`, {})).status).toBe(200);
    expect((await sam.change('POST', `/delegations/${id}/complete`, { epoch: 1, result: { decision: 'allow', reason: 'scratch file' } })).status).toBe(200);
    const answer = (await validating).body;
    expect(answer).toMatchObject({ decision: 'allow', tier: 'expert', delegationId: id });

    expect((await decidedEvent(answer.decisionId))?.data).toMatchObject({ ruledBy: 'sam' });
    const shared = await redis.keys(`${stack.redisPrefix}ruling:*`);
    const rulings = (await Promise.all(shared.map((key) => redis.get(key)))).map((raw) => JSON.parse(raw as string) as { by?: string });
    expect(rulings).toContainEqual(expect.objectContaining({ by: 'sam' }));

    // The next agent asking the same gets the shared ruling, still naming who gave it.
    const again = await (await agent('victim-3')).change<ValidationResult>('POST', '/validate', { tool: 'Bash', input: { command: 'shred -u notes-2.txt' }, cwd: '/workspace' });
    expect(again.body).toMatchObject({ decision: 'allow' });
    expect((await decidedEvent(again.body.decisionId))?.data).toMatchObject({ ruledBy: 'sam' });
  }, 30_000);

  it('grants roles from the command line too, and an operator re-issuing a credential can take a role away', async () => {
    const cli = (...args: string[]) => run(process.execPath, [join(stack.root, 'dist', 'apps', 'session-registry', 'main.js'), ...args], { env: stack.cliEnv });
    const issued = JSON.parse((await cli('issue-credential', '--agent', 'cli-expert', '--roles', 'code_reviewer,test_engineer')).stdout) as { credential: string; roles: string[] };
    expect(issued.roles).toEqual(['code_reviewer', 'test_engineer']);
    const expert = new AgentClient(stack.gatewayUrl, 'cli-expert', issued.credential);
    expect((await expert.start()).status).toBe(201);
    expect(await expert.change('POST', '/experts', { role: 'test_engineer' })).toMatchObject({ status: 201 });
    expect(await expert.change('POST', '/experts', { role: 'security_architect' })).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_GRANTED' } });
    await expect(cli('issue-credential', '--agent', 'cli-expert', '--roles', 'Not A Role')).rejects.toMatchObject({ code: 2 });

    const reissued = await issueCredential(stack.gatewayUrl, stack.adminSecret, 'cli-expert', []);
    const demoted = new AgentClient(stack.gatewayUrl, 'cli-expert', reissued);
    expect((await demoted.start()).status).toBe(201);
    expect(await demoted.change('POST', '/experts', { role: 'test_engineer' })).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_GRANTED' } });
  }, 30_000);
});
