import { buildServices, startRedis, startStack, STACK_SERVICES, type RedisHandle, type Stack } from '@lighthouse/testing';

export interface LocalStack {
  gatewayUrl: string;
  adminSecret: string;
  redisUrl: string;
  /** Every service process by name. */
  pids: Record<string, number>;
  /** The event store's Prometheus endpoint (its ops port). */
  eventStoreMetricsUrl: string;
  /** The private NATS's monitoring endpoint, for the messages the run routed. */
  natsMonitorUrl?: string;
  /** Where the logs are while the stack runs. */
  stateDir: string;
  stop(): Promise<void>;
}

/**
 * The built bridge for a load run, through the stack kit: built privately (not the MCP adapter:
 * agents here speak HTTP), a private NATS, a private Redis (so its CPU is the stack's alone; a
 * shared one, if none can be started, with a key prefix of its own), secrets made for this run;
 * the event store's metrics are read from its ops port.
 */
export async function startLocalStack(options: { repo: string; log: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<LocalStack> {
  options.log('building the services');
  const built = performance.now();
  const services = await buildServices({ repo: options.repo, tag: 'load', apps: STACK_SERVICES });
  options.log(`built in ${Math.round((performance.now() - built) / 1000)} s; starting NATS, Redis and the services`);
  const started = performance.now();
  const redis: RedisHandle | undefined = await startRedis(options.log).catch((error: Error) => {
    options.log(`no private Redis (${error.message}): the shared one, its CPU left out of the stack's`);
    return undefined;
  });
  const stack: Stack = await startStack({ services, ...(redis ? { redisUrl: redis.url } : {}), removeBuild: true, readyTimeoutMs: 180_000, log: options.log, env: { LH_LOG_LEVEL: 'warn', ...options.env } }).catch(async (error: Error) => {
    services.remove();
    await redis?.stop();
    throw error;
  });
  options.log(`every service up in ${Math.round((performance.now() - started) / 1000)} s`);
  return {
    gatewayUrl: stack.gatewayUrl,
    adminSecret: stack.env['LH_ADMIN_SECRET'] as string,
    redisUrl: stack.redisUrl,
    pids: stack.pids,
    eventStoreMetricsUrl: `${stack.opsUrls['event-store']}/metrics`,
    stateDir: stack.stateDir,
    ...(stack.natsMonitorUrl ? { natsMonitorUrl: stack.natsMonitorUrl } : {}),
    stop: async () => {
      await stack.stop();
      await redis?.stop();
    },
  };
}
