import { join } from 'node:path';
import { IssuedCredentialSchema, RPC, committedSubject } from '@lighthouse/contracts';
import { NatsBus } from '@lighthouse/transport';
import { connect, type NatsConnection } from 'nats';
import { AgentClient, issueCredential } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Boundary: the bus. Nothing on the agents' side of the network may reach NATS: a client without
// a service's credentials must not connect, and so can neither issue itself a credential, nor read
// other agents' session grants off `_INBOX.>`, nor publish forged committed events.
// The stack runs NATS as it is deployed: one user per service, each limited to its subjects
// (libs/transport nats-permissions.ts), and no user for agents.
const repo = join(__dirname, '..', '..');

describe('NATS admits only the services, each limited to its own subjects', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  /** A client as an agent's shell would open one: the bus address, no credentials. */
  const hostile = () => connect({ servers: stack.natsUrl, name: 'agent-shell', timeout: 2_000, reconnect: false });

  it('refuses a connection without a service\'s credentials', async () => {
    await expect(hostile().then((nc) => nc.close())).rejects.toThrow(/authorization/i);
  });

  it('gives a client without credentials no way to issue itself a credential', async () => {
    const bus = await NatsBus.connect({ servers: stack.natsUrl, name: 'agent-shell' }).catch(() => undefined);
    try {
      const issued = bus && (await bus.request(RPC.session.issueCredential, { agentId: 'self-made', roles: ['security_architect'], via: 'cli', correlationId: 'attack' }).catch(() => undefined));
      expect(IssuedCredentialSchema.safeParse(issued).success).toBe(false);
    } finally {
      await bus?.close();
    }
  });

  it('lets nobody read another agent\'s session grant off _INBOX.>', async () => {
    let sniffer: NatsConnection | undefined;
    const seen: string[] = [];
    try {
      sniffer = await hostile().catch(() => undefined);
      sniffer?.subscribe('_INBOX.>', { callback: (_error, msg) => seen.push(Buffer.from(msg.data).toString('latin1')) });
      await sniffer?.flush();
      const victim = new AgentClient(stack.gatewayUrl, 'victim', await issueCredential(stack.gatewayUrl, stack.adminSecret, 'victim'));
      expect((await victim.start()).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen.some((frame) => frame.includes(victim.session.sessionKey))).toBe(false);
    } finally {
      await sniffer?.close();
    }
  });

  it('limits a service\'s own login to its subjects: no forged committed events, no other inbox', async () => {
    const { NATS_USER: user, NATS_PASSWORD: pass } = stack.stack.natsEnvOf('gateway');
    const nc = await connect({ servers: stack.natsUrl, user, pass, name: 'stolen-gateway-login', timeout: 2_000, reconnect: false });
    const observer = await connect(stack.natsObserver);
    const refused: string[] = [];
    const forged: Uint8Array[] = [];
    try {
      observer.subscribe(committedSubject('delegation'), { callback: (_error, msg) => forged.push(msg.data) });
      await observer.flush();
      const status = (async () => {
        for await (const event of nc.status()) if (event.type === 'error') refused.push(String(event.data));
      })();
      nc.subscribe('_INBOX.>', { callback: (error) => error && refused.push(`subscribe: ${error.message}`) });
      nc.publish(committedSubject('delegation'), new Uint8Array([1]));
      await nc.flush();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(refused.join('\n')).toMatch(/subscribe.*permissions violation.*_INBOX\.>/i);
      // The forged committed event reaches no follower, and the server says why.
      expect(forged).toHaveLength(0);
      expect(refused.filter((r) => r === 'PERMISSIONS_VIOLATION').length).toBeGreaterThanOrEqual(2);
      void status;
    } finally {
      await nc.close();
      await observer.close();
    }
  });
});
