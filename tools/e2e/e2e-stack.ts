import { buildServices, startStack, stopChild, stopPid, testRedisUrl, type BuiltServices, type Stack } from '@lighthouse/testing';

export { stopChild, stopPid };

/**
 * The built bridge as processes (as `npm start` runs it) on a private NATS, with a Redis key
 * prefix of its own, so runs and other suites can go side by side. The services are built into
 * a private directory: another suite rebuilding dist/ cannot change them under our feet. A thin
 * shape over the stack kit in libs/testing, kept for the suites and benches written against it.
 */
export interface E2eStack {
  gatewayUrl: string;
  natsUrl: string;
  /** Connection options of the harness's own NATS user (the services' NATS refuses anyone without one). */
  natsObserver: { servers: string; user?: string; pass?: string };
  redisUrl: string;
  redisPrefix: string;
  tokenSecret: string;
  adminSecret: string;
  /** The services' environment, for extra replicas (the NATS login is per service, see cliEnv). */
  env: NodeJS.ProcessEnv;
  /** The environment of the session-registry CLI: the services' plus its NATS login. */
  cliEnv: NodeJS.ProcessEnv;
  /** The built services: `<root>/dist/apps/<app>/main.js`, also `services.main(app)`. */
  root: string;
  services: BuiltServices;
  pids: Record<string, number>;
  /** The kit's stack underneath (ops URLs, processes, state dir). */
  stack: Stack;
  /** Starts one more replica of a service; resolves once it serves. */
  startReplica(app: 'session-registry' | 'gateway' | 'speed-layer' | 'delegation-router' | 'event-store', env?: NodeJS.ProcessEnv): Promise<Replica>;
  stop(): Promise<void>;
}

export interface Replica {
  pid: number;
  /** For a gateway: its base URL. */
  url?: string;
  stop(): Promise<void>;
}

export interface E2eOptions {
  /** The repository root. */
  repo: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Redis to use (default: the one the test setup found, or the default port). */
  redisUrl?: string;
  /** Where the stack keeps its state and the services' logs (kept after it stops); a temporary directory, removed at stop, by default. */
  stateDir?: string;
}

export async function startE2eStack(options: E2eOptions): Promise<E2eStack> {
  const services = await buildServices({ repo: options.repo, tag: 'e2e' });
  const stack = await startStack({
    services,
    redisUrl: options.redisUrl ?? testRedisUrl(),
    removeBuild: true,
    stateDir: options.stateDir,
    log: options.log,
    env: { LH_LOG_LEVEL: 'warn', ...options.env },
  }).catch((error: Error) => {
    services.remove();
    throw error;
  });
  return {
    gatewayUrl: stack.gatewayUrl,
    natsUrl: stack.natsUrl,
    natsObserver: stack.natsObserver,
    redisUrl: stack.redisUrl,
    redisPrefix: stack.redisPrefix,
    tokenSecret: stack.env['LH_TOKEN_SECRET'] as string,
    adminSecret: stack.env['LH_ADMIN_SECRET'] as string,
    env: stack.env,
    cliEnv: { ...stack.env, ...stack.natsEnvOf('session-registry') },
    root: services.root as string,
    services,
    pids: stack.pids,
    stack,
    startReplica: (app, env) => stack.startReplica(app, env),
    stop: () => stack.stop(),
  };
}
