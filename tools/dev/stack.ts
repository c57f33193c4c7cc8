import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOrStartNats, findOrStartRedis, waitFor, type NatsHandle, type RedisHandle } from '@lighthouse/testing';

/** The NATS services of the bridge, started before the gateway. */
export const NATS_SERVICES = ['event-store', 'session-registry', 'speed-layer', 'delegation-router', 'fuse-mounter'] as const;

export interface StackOptions {
  /** Workspace root (holds dist/). */
  root: string;
  /** Where logs, dev secrets and the event log live. */
  stateDir: string;
  gatewayPort: number;
  log: (line: string) => void;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  /** Use this NATS (instead of finding or starting one). */
  natsUrl?: string;
  /** Use this Redis (instead of finding or starting one). */
  redisUrl?: string;
}

export interface RunningStack {
  gatewayUrl: string;
  natsUrl: string;
  redisUrl: string;
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts the whole bridge from the built services: NATS and Redis (found or started), every
 * NATS service, then the gateway; resolves once the gateway reports every service up.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  mkdirSync(join(options.stateDir, 'logs'), { recursive: true });
  const infra: Array<NatsHandle | RedisHandle> = [];
  const children = new Map<string, ChildProcess>();
  const stop = async () => {
    await Promise.all([...children.values()].map(stopChild));
    await Promise.all(infra.map((handle) => handle.stop()));
  };
  try {
    const [nats, redis] = await Promise.all([
      options.natsUrl ? given(options.natsUrl) : findOrStartNats({ log: options.log }),
      options.redisUrl ? given(options.redisUrl) : findOrStartRedis(options.log),
    ]);
    infra.push(nats, redis);
    options.log(`NATS ${nats.url}${nats.owned ? ' (started)' : ''}, Redis ${redis.url}${redis.owned ? ' (started)' : ''}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      LH_GATEWAY_PORT: String(options.gatewayPort),
      LH_EVENT_DIR: process.env['LH_EVENT_DIR'] ?? join(options.stateDir, 'events'),
      // The shared project view of the local stack; `optional`: a machine without FUSE still comes up.
      LH_FUSE_MOUNT_POINT: process.env['LH_FUSE_MOUNT_POINT'] ?? join(options.stateDir, 'mnt'),
      LH_FUSE_CACHE_DIR: process.env['LH_FUSE_CACHE_DIR'] ?? join(options.stateDir, 'fuse-cache'),
      LH_FUSE_MOUNT: process.env['LH_FUSE_MOUNT'] ?? 'optional',
      ...devSecrets(options.stateDir),
      ...options.env,
    };
    for (const app of [...NATS_SERVICES, 'gateway']) children.set(app, startApp(options, app, env));
    const gatewayUrl = `http://127.0.0.1:${options.gatewayPort}`;
    await waitFor(() => allUp(gatewayUrl, children), 60_000, `every service up at ${gatewayUrl}/health (logs in ${join(options.stateDir, 'logs')})`).catch(
      (error: Error) => Promise.reject(firstExit(children) ?? error),
    );
    const pids = Object.fromEntries([...children].map(([app, child]) => [app, child.pid ?? -1]));
    return { gatewayUrl, natsUrl: nats.url, redisUrl: redis.url, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const given = async (url: string) => ({ url, owned: false, stop: async () => undefined });

function startApp(options: StackOptions, app: string, env: NodeJS.ProcessEnv): ChildProcess {
  const logFile = createWriteStream(join(options.stateDir, 'logs', `${app}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--enable-source-maps', join(options.root, 'dist', 'apps', app, 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  child.once('exit', (code, signal) => options.log(`${app} exited (${signal ?? `code ${code}`})`));
  return child;
}

/** A service that died while the stack was starting, as an error to report. */
function firstExit(children: Map<string, ChildProcess>): Error | undefined {
  for (const [app, child] of children) {
    if (child.exitCode !== null) return new Error(`${app} exited with code ${child.exitCode} while starting; see .lighthouse/logs/${app}.log`);
  }
  return undefined;
}

async function allUp(gatewayUrl: string, children: Map<string, ChildProcess>): Promise<boolean> {
  const exited = firstExit(children);
  if (exited) throw exited;
  const response = await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(3000) });
  return response.status === 200;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Secrets for a local stack, in groups that go together: taken from the environment when set
 * (a group is set by its first variable), otherwise generated once at random and kept in the
 * state dir (mode 0600), adding any a newer version needs. There is no built-in default secret.
 */
const DEV_SECRETS: Array<Record<string, () => string>> = [
  { LH_EVENT_HMAC_KEYS: () => `1:${randomBytes(32).toString('base64')}`, LH_EVENT_ACTIVE_KEY_ID: () => '1' },
  { LH_TOKEN_SECRET: () => randomBytes(48).toString('base64url') },
  { LH_ADMIN_SECRET: () => randomBytes(48).toString('base64url') },
];

function devSecrets(stateDir: string): NodeJS.ProcessEnv {
  const file = join(stateDir, 'dev-secrets.json');
  const kept = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, string>;
  const missing = DEV_SECRETS.flatMap((group) => Object.entries(group)).filter(([name]) => !kept[name]);
  for (const [name, make] of missing) kept[name] = make();
  if (missing.length > 0) writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  const fromFile: NodeJS.ProcessEnv = {};
  for (const group of DEV_SECRETS) {
    const names = Object.keys(group);
    if (process.env[names[0] as string]) continue;
    for (const name of names) fromFile[name] = kept[name];
  }
  return fromFile;
}
