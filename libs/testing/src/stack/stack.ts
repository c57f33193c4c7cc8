import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_SERVICE_CONTEXTS, natsAuthorizationConfig, type NatsServiceUser, type NatsUserSecret } from '@lighthouse/contracts';
import { SERVICE_NODE_FLAGS } from '@lighthouse/config';
import { findOrStartNats, NATS_OBSERVER_USER, startNats, type NatsHandle, type NatsLogin, type StartNatsOptions } from '../nats-server';
import { freePort } from '../processes';
import { waitFor } from '../wait-for';
import { findOrStartRedis, type RedisHandle } from '../redis-server';
import { uniqueName } from '../test-env';
import type { BuiltServices } from './build';
import { deleteRedisPrefix } from './redis-prefix';
import { spawnService, type ServiceProcess } from './service-process';

/** The NATS services of the bridge, started before the gateway. */
export const NATS_SERVICES = ['event-store', 'session-registry', 'speed-layer', 'delegation-router', 'fuse-mounter'] as const;

/** Every service of the stack, in start order. */
export const STACK_SERVICES = [...NATS_SERVICES, 'gateway'] as const;

export interface StackOptions {
  /** The bundles to run (see buildServices / builtServices). */
  services: BuiltServices;
  /**
   * `private` (default): a nats-server of its own, with every service's user and permissions;
   * `private-kept`: the same, its JetStream store kept in `<stateDir>/nats` across runs;
   * `find`: the one at NATS_URL or the default port (no users), else a private one; or a URL.
   */
  nats?: 'private' | 'private-kept' | 'find' | string;
  /** A Redis URL (default: the one at REDIS_URL or the default port, else a private one). */
  redisUrl?: string;
  /**
   * Prefix of every Redis key the services write. Default: one of its own, whose keys are
   * deleted at stop; a given prefix is kept; `null` leaves LH_REDIS_PREFIX as the environment has it.
   */
  redisPrefix?: string | null;
  /** Logs (`logs/<app>.log`), the event log and the FUSE folders (default: a temp dir, deleted at stop). */
  stateDir?: string;
  gatewayPort?: number;
  /** Which services to start (default: all of {@link STACK_SERVICES}). */
  apps?: readonly string[];
  /** Laid over everything else for every service. */
  env?: NodeJS.ProcessEnv;
  /** Until the gateway reports every service up (default 60 s). */
  readyTimeoutMs?: number;
  /** Deletes the bundles at stop (default: false). */
  removeBuild?: boolean;
  log?: (line: string) => void;
}

/** A started replica or service: the process and where it answers. */
export interface StackProcess extends ServiceProcess {
  /** A gateway's base URL. */
  url?: string;
  /** A NATS service's ops server (`/healthz`, `/readyz`, `/metrics`). */
  opsUrl?: string;
}

/** The bridge as processes; `stop()` stops everything it started, and only that. */
export interface Stack {
  gatewayUrl: string;
  natsUrl: string;
  /** The monitoring endpoint of a NATS the stack started (`/varz`, `/connz`), for counting its traffic. */
  natsMonitorUrl?: string;
  /** How the harness connects to NATS (`servers`, and on a NATS with users its own observer login). */
  natsObserver: { servers: string } & Partial<NatsLogin>;
  /** A service's NATS_USER / NATS_PASSWORD (empty on a NATS without users), e.g. for its CLI. */
  natsEnvOf(app: string): NodeJS.ProcessEnv;
  redisUrl: string;
  /** The services' Redis key prefix ('' when left to the environment). */
  redisPrefix: string;
  stateDir: string;
  /** The environment every service got (secrets included), for replicas and CLIs. */
  env: NodeJS.ProcessEnv;
  /** Every service process by app. */
  processes: Record<string, StackProcess>;
  pids: Record<string, number>;
  /** Each NATS service's ops server, e.g. `opsUrls['event-store'] + '/metrics'`. */
  opsUrls: Record<string, string>;
  /** One more replica of a service, with `env` on top; resolves once it serves. */
  startReplica(app: string, env?: NodeJS.ProcessEnv): Promise<StackProcess>;
  stop(): Promise<void>;
}

/** Secrets made for one run, unless the environment or `env` brings them. */
const runSecrets = (): NodeJS.ProcessEnv => ({
  LH_TOKEN_SECRET: randomBytes(48).toString('base64url'),
  LH_ADMIN_SECRET: randomBytes(48).toString('base64url'),
  LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`,
});

/**
 * Starts the built bridge as processes: NATS and Redis (as the options say), every NATS service
 * with an ops port of its own, then the gateway; resolves once the gateway reports every
 * service up. A service that exits while starting fails it at once, naming its log.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const ownStateDir = !options.stateDir;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'lh-stack-'));
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const redisPrefix = options.redisPrefix === undefined ? `${uniqueName('lh-stack')}:` : options.redisPrefix;
  const started: StackProcess[] = [];
  let nats: NatsHandle | undefined;
  let redis: RedisHandle | undefined;
  const stop = async () => {
    // The gateway first (it calls the others), then the rest.
    await Promise.all(started.filter((p) => p.name.startsWith('gateway')).map((p) => p.stop()));
    await Promise.all(started.map((p) => p.stop()));
    await nats?.stop();
    if (redis && options.redisPrefix === undefined && redisPrefix) {
      await deleteRedisPrefix(redis.url, redisPrefix).catch((error: Error) => log(`could not delete the ${redisPrefix}* keys: ${error.message}`));
    }
    await redis?.stop();
    if (options.removeBuild) options.services.remove();
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  // A private NATS runs with every service's user (a password of its own per run), so the
  // permissions are what every run exercises; a found or given NATS is taken as it is.
  const natsUsers: NatsUserSecret[] = ['private', 'private-kept'].includes(options.nats ?? 'private') ? serviceUsers() : [];
  try {
    [nats, redis] = await Promise.all([natsFor(options.nats, natsUsers, log, stateDir), options.redisUrl ? given(options.redisUrl) : findOrStartRedis(log)]);
    log(`NATS ${nats.url}${nats.owned ? ' (started)' : ''}, Redis ${redis.url}${redis.owned ? ' (started)' : ''}`);
    const gatewayPort = options.gatewayPort ?? (await freePort());
    const env: NodeJS.ProcessEnv = {
      ...runSecrets(),
      LH_EVENT_DIR: join(stateDir, 'events'),
      // No mount unless asked for: a mount must not outlive a run, and most runs do not use it.
      LH_FUSE_MOUNT: 'off',
      LH_FUSE_MOUNT_POINT: join(stateDir, 'mnt'),
      LH_FUSE_CACHE_DIR: join(stateDir, 'fuse-cache'),
      ...process.env,
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      LH_GATEWAY_PORT: String(gatewayPort),
      ...(redisPrefix !== null ? { LH_REDIS_PREFIX: redisPrefix } : {}),
      ...options.env,
    };
    const natsEnvOf = natsEnvFor(natsUsers);
    const launch = async (app: string, extra: NodeJS.ProcessEnv = {}) => {
      const port = await freePort();
      const isGateway = app === 'gateway';
      const name = started.some((p) => p.name === app) ? `${app}-${started.length}` : app;
      const child = spawnService({
        name,
        main: options.services.main(app),
        nodeFlags: SERVICE_NODE_FLAGS,
        env: { ...env, ...natsEnvOf(app), ...(isGateway ? { LH_GATEWAY_PORT: String(port) } : { LH_OPS_PORT: String(port) }), ...extra },
        logFile: join(stateDir, 'logs', `${name}.log`),
      });
      const url = `http://127.0.0.1:${port}`;
      const proc: StackProcess = Object.assign(child, isGateway ? { url } : { opsUrl: url });
      started.push(proc);
      return proc;
    };
    const apps = options.apps ?? STACK_SERVICES;
    const processes: Record<string, StackProcess> = {};
    for (const app of apps) processes[app] = await launch(app, app === 'gateway' ? { LH_GATEWAY_PORT: String(gatewayPort) } : {});
    if (processes['gateway']) processes['gateway'].url = `http://127.0.0.1:${gatewayPort}`;
    await waitReady(processes, options.readyTimeoutMs ?? 60_000, stateDir);
    return {
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      natsUrl: nats.url,
      ...(nats.monitorUrl ? { natsMonitorUrl: nats.monitorUrl } : {}),
      natsObserver: { servers: nats.url, ...nats.observer },
      natsEnvOf,
      redisUrl: redis.url,
      redisPrefix: redisPrefix ?? '',
      stateDir,
      env,
      processes,
      pids: Object.fromEntries(Object.entries(processes).map(([app, p]) => [app, p.pid])),
      opsUrls: Object.fromEntries(Object.entries(processes).flatMap(([app, p]) => (p.opsUrl ? [[app, p.opsUrl]] : []))),
      startReplica: async (app, extra = {}) => {
        const replica = await launch(app, extra);
        await waitFor(() => serves(replica), 30_000, `${replica.name} to be ready`, () => exitedWith(replica, stateDir));
        return replica;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const given = async (url: string) => ({ url, owned: false, stop: async () => undefined });

function natsFor(choice: StackOptions['nats'] = 'private', users: readonly NatsUserSecret[], log: (line: string) => void, stateDir: string): Promise<NatsHandle> {
  const auth = users.length > 0 ? authFor(users) : undefined;
  if (choice === 'private') return startNats({ log, auth });
  if (choice === 'private-kept') return startNats({ log, auth, storeDir: join(stateDir, 'nats') });
  if (choice === 'find') return findOrStartNats({ log });
  return given(choice);
}

/** Every NATS service ready on its ops port, then the gateway reporting every one of them up. */
async function waitReady(processes: Record<string, StackProcess>, timeoutMs: number, stateDir: string): Promise<void> {
  const all = Object.values(processes);
  const failed = () => all.map((p) => exitedWith(p, stateDir)).find((reason) => reason !== undefined);
  const gateway = processes['gateway'];
  const probe = async () => {
    const ready = await Promise.all(all.filter((p) => p !== gateway).map(serves));
    if (!ready.every(Boolean)) return false;
    return !gateway || (await fetch(`${gateway.url}/health`, { signal: AbortSignal.timeout(3000) })).status === 200;
  };
  await waitFor(probe, timeoutMs, `every service up (logs in ${join(stateDir, 'logs')})`, failed);
}

/** Whether one process serves: a gateway answers /health/live, a NATS service /readyz. */
async function serves(p: StackProcess): Promise<boolean> {
  const url = p.url ? `${p.url}/health/live` : `${p.opsUrl}/readyz`;
  return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
}

function exitedWith(p: ServiceProcess, stateDir: string): string | undefined {
  const exit = p.exit();
  if (exit === undefined) return undefined;
  const tail = p.output().trim().split('\n').slice(-5).join('\n');
  return `${p.name} exited (${exit}) while starting; see ${join(stateDir, 'logs', `${p.name}.log`)}:\n${tail}`;
}

/** Every service's NATS user with a fresh password. */
const serviceUsers = (): NatsUserSecret[] =>
  (Object.keys(NATS_SERVICE_CONTEXTS) as NatsServiceUser[]).map((user) => ({ user, password: randomBytes(24).toString('base64url') }));

/** A service's login as environment (a replica `session-registry-3` is still `session-registry`). */
const natsEnvFor =
  (users: readonly NatsUserSecret[]) =>
  (app: string): NodeJS.ProcessEnv => {
    const found = users.find((u) => u.user === app);
    return found ? { NATS_USER: found.user, NATS_PASSWORD: found.password } : {};
  };

/** The private NATS's authorization block: the services' users plus the harness's observer (no limits). */
function authFor(users: readonly NatsUserSecret[]): NonNullable<StartNatsOptions['auth']> {
  const observer: NatsLogin = { user: NATS_OBSERVER_USER, pass: randomBytes(24).toString('base64url') };
  return { observer, config: natsAuthorizationConfig(users, [`    { user: ${JSON.stringify(observer.user)}, password: ${JSON.stringify(observer.pass)} }`]) };
}
