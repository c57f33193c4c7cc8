// Benchmark: a service process's CPU per request on the lean rpc path against Nest's pipeline.
// Two service processes (startNatsService, one with leanRpc: false) each serve a heartbeat-like
// @HandlesRpc handler (a small strict schema, a small reply) on subjects of their own; this
// process sends BENCH_WINDOW requests in flight at a time, BENCH_PER_ROUND per round to each in
// turn over BENCH_ROUNDS rounds (interleaved, so machine load falls on both alike), and reads
// each service's CPU from /proc around its rounds. Figures: CPU µs per request by path.
// BENCH_PROFILE_DIR=<dir> writes a CPU profile of each service there.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createLogger } from '@lighthouse/observability';
import { cpuSecondsOf, findOrStartNats } from '@lighthouse/testing';
import { NatsBus, startNatsService } from '@lighthouse/transport';
import { beatModuleFor, beatOf } from '../rpc-path/beat-service';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = Number(process.env['BENCH_PER_ROUND'] ?? 5000);
const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 16);

async function serve(natsUrl: string, prefix: string, lean: boolean): Promise<void> {
  await startNatsService(beatModuleFor(prefix), { service: `rpc-cpu-${prefix}`, natsUrl, logger: createLogger('rpc-cpu', 'warn'), leanRpc: lean });
  // An orderly exit on SIGTERM, so a CPU profile (NODE_OPTIONS=--cpu-prof) gets written.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write('ready\n');
}

function spawnService(natsUrl: string, prefix: string, lean: boolean): Promise<ChildProcess> {
  const profile = process.env['BENCH_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR']}`, `--cpu-prof-name=${prefix}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, __filename, 'serve', natsUrl, prefix, lean ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
}

/** `count` requests, `WINDOW` in flight at a time. */
async function drive(count: number, call: () => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
}

async function main(): Promise<void> {
  const nats = await findOrStartNats();
  const paths = { lean: { prefix: `rpclean${process.pid}`, lean: true }, nest: { prefix: `rpcnest${process.pid}`, lean: false } };
  const children = { lean: await spawnService(nats.url, paths.lean.prefix, true), nest: await spawnService(nats.url, paths.nest.prefix, false) };
  const bus = await NatsBus.connect({ servers: nats.url, name: 'rpc-cpu-client' });
  const calls = {
    lean: () => bus.request(beatOf(paths.lean.prefix), { sessionId: 's-123456', nonce: 'n-12345678' }),
    nest: () => bus.request(beatOf(paths.nest.prefix), { sessionId: 's-123456', nonce: 'n-12345678' }),
  };
  await drive(2000, calls.lean);
  await drive(2000, calls.nest);
  const cpu = { lean: 0, nest: 0 };
  const wall = { lean: 0, nest: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of (round % 2 === 0 ? ['lean', 'nest'] : ['nest', 'lean']) as Array<'lean' | 'nest'>) {
      const pid = children[name].pid as number;
      const before = cpuSecondsOf(pid);
      const started = performance.now();
      await drive(PER_ROUND, calls[name]);
      wall[name] += performance.now() - started;
      cpu[name] += cpuSecondsOf(pid) - before;
    }
  }
  await bus.close();
  for (const child of Object.values(children)) child.kill('SIGTERM');
  await nats.stop();
  const requests = ROUNDS * PER_ROUND;
  const perRequest = (s: number) => Math.round((s / requests) * 1e6 * 10) / 10;
  const result = {
    bench: 'rpc-cpu',
    requests,
    window: WINDOW,
    service_cpu_us_per_request: perRequest(cpu.lean),
    requests_per_s: Math.round(requests / (wall.lean / 1000)),
    ratio_cpu: Math.round((cpu.lean / cpu.nest) * 100) / 100,
    baseline: { path: 'nest', service_cpu_us_per_request: perRequest(cpu.nest), requests_per_s: Math.round(requests / (wall.nest / 1000)) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3] as string, process.argv[4] as string, process.argv[5] === '1').catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}
