// Measures what each built service costs, to size Kubernetes requests and limits from data: it
// starts every bundle as a process against a private NATS and Redis, waits until the gateway
// reports all of them up, then reads each process's RSS and CPU time from /proc while idle and
// during a burst of GET /health (each one fans out to every NATS service). Run it with
// `node tools/deploy/measure.mjs [--idle-s 20] [--requests 5000] [--apps-dir dist/apps]`.
// The last line of output is one JSON object with every figure.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { builtServices, cpuSecondsOf, readProc, startRedis, startStack, STACK_SERVICES } from '@lighthouse/testing';

const SERVICES = STACK_SERVICES;
interface Sample {
  rssMiB: number;
  peakRssMiB: number;
  cpuSeconds: number;
}

/** The stack kit's /proc reading of one process, in the units of this report. */
function sample(pid: number): Sample {
  const reading = readProc(pid);
  if (!reading) throw new Error(`process ${pid} is gone`);
  return { rssMiB: round(reading.rssKiB / 1024), peakRssMiB: round(reading.peakRssKiB / 1024), cpuSeconds: cpuSecondsOf(pid) };
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
  const redis = await startRedis(log);
  // The stack kit: a private NATS, every service with its ops port; the fuse-mounter mounts (when
  // this machine has FUSE) under the kit's temp dir, never elsewhere.
  const stack = await startStack({ services: builtServices(appsDir), redisUrl: redis.url, env: { LH_LOG_LEVEL: 'warn', LH_FUSE_MOUNT: 'optional' }, log }).catch(async (error: Error) => {
    await redis.stop();
    throw error;
  });
  try {
    const gateway = stack.gatewayUrl;
    log(`all up; idle for ${idleSeconds} s`);
    await sleep(5_000);
    const pid = (app: string) => stack.pids[app] ?? -1;
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
    await stack.stop();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`[measure] ${error.message}\n`);
    process.exit(1);
  },
);
