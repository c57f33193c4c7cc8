import { randomUUID } from 'node:crypto';
import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { createLogger } from '@lighthouse/observability';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AgentsService } from '../agents/agents.service';
import { VerifiedCredentials } from '../sessions/verified-credentials';
import { RevocationsPublisher } from '../events/revocations.publisher';
import { PresencePublisher } from '../presence/presence.publisher';
import { SessionEventsRecorder } from '../events/session-events.recorder';
import { redisShape } from '../registry.config';
import { redisOptions } from '../store/redis-options';
import { RegistryStore } from '../store/registry.store';
import { parseAgentArgs, type AgentArgs } from './agent-args';

/**
 * `issue-credential --agent <id> [--roles a,b]` and `revoke-agent --agent <id>`: the operator's commands,
 * straight to Redis (no gateway, no admin secret: whoever runs this can reach Redis anyway),
 * with the same rules as the admin routes: the event is stored or nothing is issued.
 * Exit 0 on success, 1 on failure, 2 on a usage error, 78 on a bad configuration.
 */
export async function runAgentCommand(command: 'issue-credential' | 'revoke-agent', args: readonly string[]): Promise<number> {
  let parsed: AgentArgs;
  try {
    parsed = parseAgentArgs(args, { roles: command === 'issue-credential' });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ ...natsServiceShape, ...redisShape });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 78;
  }
  const redis = new Redis(config.REDIS_URL, redisOptions('session-registry-cli'));
  redis.on('error', () => undefined);
  const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'session-registry-cli', timeoutMs: config.LH_REQUEST_TIMEOUT_MS });
  try {
    const recorder = new SessionEventsRecorder(new EventStoreClient(bus, config.LH_REQUEST_TIMEOUT_MS), createLogger('session-registry-cli', 'silent'));
    // The running registries' caches of verified credentials do not hear of this; their session-start script still refuses a replaced credential.
    const agents = new AgentsService(new RegistryStore(redis, config.LH_REDIS_PREFIX), recorder, new RevocationsPublisher(bus), new PresencePublisher(bus, { LH_PRESENCE_INTERVAL_MS: 0 }), new VerifiedCredentials({ ttlMs: 0, maxEntries: 0 }));
    const request = { agentId: parsed.agentId, via: 'cli' as const, correlationId: `cli-${randomUUID()}` };
    const result = command === 'issue-credential' ? await agents.issueCredential({ ...request, roles: parsed.roles }) : await agents.revoke(request);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (command === 'issue-credential') process.stderr.write('the credential is shown this once; only its hash is stored\n');
    return 0;
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await bus.close().catch(() => undefined);
    redis.disconnect();
  }
}
