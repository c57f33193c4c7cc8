// Measures what each built service costs, to size Kubernetes requests and limits from data: it
// starts every bundle as a process against a private NATS and Redis, waits until the gateway
// reports all of them up, then reads each process's RSS and CPU time from /proc while idle and
// during a burst of GET /health (each one fans out to every NATS service). Run it with
// `node tools/deploy/measure.mjs [--idle-s 20] [--requests 5000] [--apps-dir dist/apps]`.
// The last line of output is one JSON object with every figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startNats, startRedis, waitFor } from '@lighthouse/testing';

const SERVICES = ['event-store', 'session-registry', 'speed-layer', 'delegation-router', 'fuse-mounter', 'gateway'] as const;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux we run on). */
const USER_HZ = 100;

interface Sample {
  rssMiB: number;
  peakRssMiB: number;
  cpuSeconds: number;
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: round(kib('VmRSS') / 1024), peakRssMiB: round(kib('VmHWM') / 1024), cpuSeconds: ticks / USER_HZ };
}

const round = (value: number, places = 1) => Math.round(value * 10 ** places) / 10 ** places;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function burst(url: string, requests: number, concurrency: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const response = await fetch(url).catch(() => undefined);
      if (response?.status !== 200) failed += 1;
      await response?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

async function main(): Promise<void> {
  const root = process.argv[2] ?? process.cwd();
  const appsDir = resolve(root, option('apps-dir', 'dist/apps'));
  const idleSeconds = Number(option('idle-s', '20'));
  const requests = Number(option('requests', '5000'));
  const log = (line: string) => process.stderr.write(`[measure] ${line}\n`);
  const [nats, redis] = await Promise.all([startNats(), startRedis(log)]);
  const stateDir = mkdtempSync(join(tmpdir(), 'lh-measure-'));
  const children = new Map<string, ChildProcess>();
  try {
    const gatewayPort = await freePort();
    const secret = () => randomBytes(48).toString('base64');
    const env = {
      ...process.env,
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      LH_LOG_LEVEL: 'warn',
      LH_EVENT_DIR: join(stateDir, 'events'),
      LH_EVENT_HMAC_KEYS: `1:${secret()}`,
      LH_TOKEN_SECRET: secret(),
      LH_ADMIN_SECRET: secret(),
      LH_GATEWAY_PORT: String(gatewayPort),
      // The fuse-mounter mounts (when this machine has FUSE) under the temp dir, never elsewhere.
      LH_FUSE_MOUNT: 'optional',
      LH_FUSE_MOUNT_POINT: join(stateDir, 'mnt'),
      LH_FUSE_CACHE_DIR: join(stateDir, 'fuse-cache'),
    };
    for (const app of SERVICES) {
      const ops = app === 'gateway' ? {} : { LH_OPS_PORT: String(await freePort()) };
      const child = spawn(process.execPath, ['--enable-source-maps', join(appsDir, app, 'main.js')], { env: { ...env, ...ops }, stdio: ['ignore', 'ignore', 'inherit'] });
      children.set(app, child);
    }
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    await waitFor(async () => (await fetch(`${gateway}/health`).catch(() => undefined))?.status === 200, 60_000, `every service up at ${gateway}/health`);
    log(`all up; idle for ${idleSeconds} s`);
    await sleep(5_000);
    const pid = (app: string) => children.get(app)?.pid ?? -1;
    const booted = Object.fromEntries(SERVICES.map((app) => [app, sample(pid(app))]));
    await sleep(idleSeconds * 1000);
    const idle = Object.fromEntries(SERVICES.map((app) => [app, sample(pid(app))]));
    log(`${requests} GET /health at concurrency 32`);
    const started = performance.now();
    const failed = await burst(`${gateway}/health`, requests, 32);
    const seconds = (performance.now() - started) / 1000;
    const loaded = Object.fromEntries(SERVICES.map((app) => [app, sample(pid(app))]));
    const figures = Object.fromEntries(
      SERVICES.map((app) => {
        const [b, i, l] = [booted[app] as Sample, idle[app] as Sample, loaded[app] as Sample];
        return [
          app,
          {
            startupCpuS: round(b.cpuSeconds, 2),
            idleRssMiB: i.rssMiB,
            idleCpuMillicores: round(((i.cpuSeconds - b.cpuSeconds) / idleSeconds) * 1000, 1),
            burstCpuMillicores: round(((l.cpuSeconds - i.cpuSeconds) / seconds) * 1000, 0),
            burstRssMiB: l.rssMiB,
            peakRssMiB: l.peakRssMiB,
          },
        ];
      }),
    );
    for (const [app, f] of Object.entries(figures)) log(`${app.padEnd(18)} ${JSON.stringify(f)}`);
    const summary = { requests, failed, requestsPerSecond: round(requests / seconds, 0), idleSeconds, cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
    process.stdout.write(`${JSON.stringify({ measure: 'idle-and-health-burst', ...summary, services: figures })}\n`);
  } finally {
    for (const child of children.values()) child.kill('SIGTERM');
    await sleep(1_000);
    await Promise.all([nats.stop(), redis.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`[measure] ${error.message}\n`);
    process.exit(1);
  },
);
