import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, startNats, testRedisUrl, uniqueName } from '@lighthouse/testing';
import { Redis } from 'ioredis';
import { startStack, type RunningStack } from '../dev/stack';

/**
 * The built bridge as processes (as `npm start` runs it) on a private NATS, with a Redis key
 * prefix of its own, so runs and other suites can go side by side. The services are built into
 * a private directory: another suite rebuilding dist/ cannot change them under our feet.
 */
export interface E2eStack {
  gatewayUrl: string;
  natsUrl: string;
  redisUrl: string;
  redisPrefix: string;
  tokenSecret: string;
  adminSecret: string;
  /** The registry's and gateway's environment, for extra replicas and the CLI. */
  env: NodeJS.ProcessEnv;
  /** The built services: `<root>/dist/apps/<app>/main.js`. */
  root: string;
  pids: Record<string, number>;
  /** Starts one more replica of a service; resolves once it says it is ready. */
  startReplica(app: 'session-registry' | 'gateway' | 'delegation-router', env?: NodeJS.ProcessEnv): Promise<Replica>;
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
}

export async function startE2eStack(options: E2eOptions): Promise<E2eStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lh-e2e-'));
  const root = join(options.repo, 'dist', 'e2e', uniqueName('build'));
  buildAppsInto(options.repo, root);
  const nats = await startNats();
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const redisPrefix = `${uniqueName('lh-e2e')}:`;
  const tokenSecret = randomBytes(48).toString('base64url');
  const adminSecret = randomBytes(48).toString('base64url');
  // No FUSE mount: these suites do not use the shared view, and a mount must not outlive a run.
  const env = { LH_LOG_LEVEL: 'warn', LH_FUSE_MOUNT: 'off', LH_REDIS_PREFIX: redisPrefix, LH_TOKEN_SECRET: tokenSecret, LH_ADMIN_SECRET: adminSecret, ...options.env };
  const replicas: Replica[] = [];
  let stack: RunningStack | undefined;
  const stop = async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await stack?.stop();
    await nats.stop();
    await deleteKeys(redisUrl, redisPrefix);
    for (const dir of [root, stateDir]) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch (error) {
        (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`could not remove ${dir}: ${(error as Error).message}`);
      }
    }
  };
  try {
    stack = await startStack({ root, stateDir, gatewayPort: await freePort(), natsUrl: nats.url, redisUrl, env, log: options.log ?? (() => undefined) });
    const serviceEnv = { ...process.env, NATS_URL: nats.url, REDIS_URL: redisUrl, ...env };
    return {
      gatewayUrl: stack.gatewayUrl,
      natsUrl: nats.url,
      redisUrl,
      redisPrefix,
      tokenSecret,
      adminSecret,
      env: serviceEnv,
      root,
      pids: stack.pids,
      startReplica: async (app, extra = {}) => {
        const replica = await startReplica(root, app, { ...serviceEnv, ...extra }, stateDir);
        replicas.push(replica);
        return replica;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Builds every app into `<root>/dist/apps/<app>/main.js` with the workspace's own build. */
function buildAppsInto(repo: string, root: string): void {
  const out = relative(repo, root);
  const script = [
    `import { appNames, buildEntry } from ${JSON.stringify(pathToFileURL(join(repo, 'tools', 'build', 'build.mjs')).href)};`,
    `await Promise.all(appNames().map((app) => buildEntry(\`apps/\${app}/src/main.ts\`, \`${out}/dist/apps/\${app}/main.js\`)));`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stderr}`);
}

async function startReplica(root: string, app: string, env: NodeJS.ProcessEnv, stateDir: string): Promise<Replica> {
  const port = app === 'gateway' ? await freePort() : undefined;
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'main.js')], {
    env: { ...env, LH_LOG_LEVEL: 'info', ...(port ? { LH_GATEWAY_PORT: String(port) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(stateDir, `${app}-${child.pid}.log`));
  child.stdout?.pipe(log);
  const ready = app === 'gateway' ? /gateway listening/ : new RegExp(`${app} ready`);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${app} replica not ready in 20 s: ${seen.slice(-2000)}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      seen += chunk.toString();
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} replica exited with ${code}: ${seen.slice(-2000)}`));
    });
  });
  return { pid: child.pid ?? -1, url: port ? `http://127.0.0.1:${port}` : undefined, stop: () => stopChild(child) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Stops a process the stack started, by its pid, and waits until it is gone. */
export async function stopPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(pid, 'SIGKILL');
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
