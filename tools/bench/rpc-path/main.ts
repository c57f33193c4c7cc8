// Benchmark: the per-message path of a NATS service, without the socket: the CPU and the async
// resources (promises, ticks, immediates: event-loop work) one request costs from the message's
// arrival at the subscription callback to its reply frame handed to respond(). Two services
// (startNatsService, one with leanRpc: false) on a real NATS serve the same heartbeat-like
// @HandlesRpc handler; their subscription callbacks are called with the same request frame,
// BENCH_PER_ROUND times per round each, interleaved over BENCH_ROUNDS rounds. The socket write
// (the same for both paths, and most of a loaded machine's noise) is left out.
import 'reflect-metadata';
import { createHook } from 'node:async_hooks';
import type { INestMicroservice } from '@nestjs/common';
import { createLogger } from '@lighthouse/observability';
import { findOrStartNats } from '@lighthouse/testing';
import { FrameCodec, startNatsService } from '@lighthouse/transport';
import type { Msg } from 'nats';
import { beatModuleFor, beatOf } from './beat-service';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = Number(process.env['BENCH_PER_ROUND'] ?? 5000);

type Callback = (error: unknown, msg: Msg) => unknown;

/** The subscription callback the service's server made for `subject`. */
function callbackOf(app: INestMicroservice, subject: string): Callback {
  const server = (app as unknown as { serverInstance: { getMessageHandler(channel: string): Callback } }).serverInstance;
  return server.getMessageHandler(subject).bind(server) as Callback;
}

let asyncResources = 0;
const counting = createHook({ init: () => void (asyncResources += 1) });

/** `count` requests; with `countResources` the async resources they create are counted (a hook that costs CPU of its own, so not in CPU rounds). */
async function round(callback: Callback, subject: string, frame: Uint8Array, count: number, countResources = false): Promise<{ cpuUs: number; resources: number }> {
  let done: () => void = () => undefined;
  const msg = { subject, data: frame, reply: '_INBOX.bench', headers: undefined, respond: () => (done(), true) } as unknown as Msg;
  const cpu = process.cpuUsage();
  if (countResources) counting.enable();
  const before = asyncResources;
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => {
      done = resolve;
      callback(null, msg);
    });
  }
  const resources = asyncResources - before;
  counting.disable();
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, resources: resources / count };
}

async function main(): Promise<void> {
  const nats = await findOrStartNats();
  const logger = createLogger('rpc-path', 'warn');
  const codec = new FrameCodec();
  const paths = ['lean', 'nest'] as const;
  const setup = await Promise.all(
    paths.map(async (path) => {
      const prefix = `rpcpath${path}${process.pid}`;
      const subject = beatOf(prefix).subject;
      const app = await startNatsService(beatModuleFor(prefix), { service: `rpc-path-${path}`, natsUrl: nats.url, logger, leanRpc: path === 'lean' });
      const frame = codec.encode({ pattern: subject, data: { sessionId: 's-123456', nonce: 'n-12345678' }, id: '1' });
      return { path, app, subject, frame, callback: callbackOf(app, subject), cpu: [] as number[], resources: 0 };
    }),
  );
  for (const s of setup) await round(s.callback, s.subject, s.frame, 2000);
  // The harness's own promise and await are 2 of the resources counted per request.
  for (const s of setup) s.resources = (await round(s.callback, s.subject, s.frame, 1000, true)).resources;
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 === 0 ? setup : [...setup].reverse()) {
      s.cpu.push((await round(s.callback, s.subject, s.frame, PER_ROUND)).cpuUs);
    }
  }
  for (const s of setup) await s.app.close();
  await nats.stop();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const [lean, nest] = setup as [(typeof setup)[0], (typeof setup)[0]];
  const result = {
    bench: 'rpc-path',
    requests: ROUNDS * PER_ROUND,
    cpu_us_per_request: Math.round(median(lean.cpu) * 10) / 10,
    // Less the harness's own 2 (its promise and await).
    async_resources_per_request: Math.round((lean.resources - 2) * 10) / 10,
    ratio_cpu: Math.round((median(lean.cpu) / median(nest.cpu)) * 100) / 100,
    baseline: { path: 'nest', cpu_us_per_request: Math.round(median(nest.cpu) * 10) / 10, async_resources_per_request: Math.round((nest.resources - 2) * 10) / 10 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
