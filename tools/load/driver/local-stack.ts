import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findOrStartRedis, freePort, startNats, uniqueName, waitFor, type NatsHandle, type RedisHandle } from '@lighthouse/testing';
import { Redis } from 'ioredis';

/** The NATS services, started before the gateway (as tools/dev/stack.ts does). */
const NATS_SERVICES = ['event-store', 'session-registry', 'speed-layer', 'delegation-router', 'fuse-mounter'] as const;

export interface LocalStack {
  gatewayUrl: string;
  adminSecret: string;
  redisUrl: string;
  /** Every service process by name. */
  pids: Record<string, number>;
  /** The event store's Prometheus endpoint (its ops port). */
  eventStoreMetricsUrl: string;
  /** Where the logs are while the stack runs. */
  stateDir: string;
  stop(): Promise<void>;
}

/**
 * The built bridge as processes, as tools/e2e/e2e-stack.ts starts it (a private NATS, a Redis
 * key prefix of its own, secrets made for this run, services built into a private directory),
 * plus an ops port on each NATS service so the event store's own metrics can be read.
 */
export async function startLocalStack(options: { repo: string; log: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<LocalStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lh-load-'));
  const root = join(options.repo, 'dist', 'load', uniqueName('build'));
  const children = new Map<string, ChildProcess>();
  let nats: NatsHandle | undefined;
  let redis: RedisHandle | undefined;
  const redisPrefix = `${uniqueName('lh-load')}:`;
  const stop = async () => {
    await Promise.all([...children.entries()].filter(([app]) => app === 'gateway').map(([, c]) => stopChild(c)));
    await Promise.all([...children.values()].map(stopChild));
    await nats?.stop();
    if (redis) await deleteKeys(redis.url, redisPrefix).catch((error: Error) => options.log(`could not delete ${redisPrefix}* keys: ${error.message}`));
    await redis?.stop();
    for (const dir of [root, stateDir]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    options.log('building the services');
    const built = performance.now();
    buildAppsInto(options.repo, root);
    options.log(`built in ${Math.round((performance.now() - built) / 1000)} s; starting NATS, Redis and the services`);
    [nats, redis] = await Promise.all([startNats(), findOrStartRedis()]);
    const adminSecret = randomBytes(48).toString('base64url');
    const gatewayPort = await freePort();
    const opsPorts = Object.fromEntries(await Promise.all(NATS_SERVICES.map(async (app) => [app, await freePort()] as const)));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      LH_LOG_LEVEL: 'warn',
      LH_GATEWAY_PORT: String(gatewayPort),
      LH_REDIS_PREFIX: redisPrefix,
      LH_TOKEN_SECRET: randomBytes(48).toString('base64url'),
      LH_ADMIN_SECRET: adminSecret,
      LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`,
      LH_EVENT_DIR: join(stateDir, 'events'),
      // No FUSE mount: a load run does not use the shared view, and a mount must not outlive it.
      LH_FUSE_MOUNT: 'off',
      LH_FUSE_MOUNT_POINT: join(stateDir, 'mnt'),
      LH_FUSE_CACHE_DIR: join(stateDir, 'fuse-cache'),
      ...options.env,
    };
    mkdirSync(join(stateDir, 'logs'));
    for (const app of NATS_SERVICES) children.set(app, startApp(root, stateDir, app, { ...env, LH_OPS_PORT: String(opsPorts[app]) }));
    children.set('gateway', startApp(root, stateDir, 'gateway', env));
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const started = performance.now();
    await waitFor(() => allUp(gatewayUrl, children), 180_000, `every service up at ${gatewayUrl}/health (logs in ${stateDir}/logs)`);
    options.log(`every service up in ${Math.round((performance.now() - started) / 1000)} s`);
    const pids = Object.fromEntries([...children].map(([app, child]) => [app, child.pid ?? -1]));
    return { gatewayUrl, adminSecret, redisUrl: redis.url, pids, eventStoreMetricsUrl: `http://127.0.0.1:${opsPorts['event-store']}/metrics`, stateDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Builds the stack's apps into `<root>/dist/apps/<app>/main.js` with the workspace's own build (not the MCP adapter: agents here speak HTTP). */
function buildAppsInto(repo: string, root: string): void {
  const out = relative(repo, root);
  const apps = JSON.stringify([...NATS_SERVICES, 'gateway']);
  const script = [
    `import { buildEntry } from ${JSON.stringify(pathToFileURL(join(repo, 'tools', 'build', 'build.mjs')).href)};`,
    `await Promise.all(${apps}.map((app) => buildEntry(\`apps/\${app}/src/main.ts\`, \`${out}/dist/apps/\${app}/main.js\`)));`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stderr}`);
}

function startApp(root: string, stateDir: string, app: string, env: NodeJS.ProcessEnv): ChildProcess {
  const log = createWriteStream(join(stateDir, 'logs', `${app}.log`));
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function allUp(gatewayUrl: string, children: Map<string, ChildProcess>): Promise<boolean> {
  for (const [app, child] of children) {
    if (child.exitCode !== null) throw new Error(`${app} exited with code ${child.exitCode} while starting`);
  }
  const response = await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  return response?.status === 200;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
