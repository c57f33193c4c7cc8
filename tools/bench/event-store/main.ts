// Benchmark of the event store, with its baselines measured in the same run:
//  (a) engine alone (libs/event-log, in process), 1000 concurrent appenders of ~300-byte events,
//      against a plain msgpack+HMAC+write+fdatasync group-commit loop, in alternating 1 s slices;
//  (b) the built event-store service over NATS with 1000 agents: latency at a fixed offered rate
//      (BENCH_OPEN_RATE, default 1000 appends/s: one a second per agent, for BENCH_SERVICE_SECONDS, default 60: this disk
//      stalls a few times a minute), and saturation throughput with 1000 concurrent appenders in a
//      closed loop against a raw NATS echo responder process at the same concurrency;
//  (c) raw fdatasync latency and the number of stalls over 10 ms seen during the run;
//  (d) the same service on the replicated backend (LH_EVENT_BACKEND=jetstream) on a 3-node NATS
//      cluster started here, R3 stream: latency at the offered rate and saturated throughput,
//      against the engine's own R3 publish (no Lighthouse) at the same concurrency.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync, fdatasyncSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@lighthouse/contracts';
import { EventLog } from '@lighthouse/event-log';
import { buildServices, openLoop, repoRoot, startNats, startNatsCluster, startService, type BuiltServices } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { connect, StorageType } from 'nats';
import { latencySummary } from '../stats';
import { BaselineLog } from './baseline-log';
import { startNatsEcho } from '../bridge';
import { closedLoop, type LoopRun } from './load';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 1000);
const ENGINE_SECONDS = Number(process.env['BENCH_ENGINE_SECONDS'] ?? 10);
const ENGINE_SLICE_SECONDS = Number(process.env['BENCH_ENGINE_SLICE_SECONDS'] ?? 1);
const SERVICE_SECONDS = Number(process.env['BENCH_SERVICE_SECONDS'] ?? 60);
const ECHO_SECONDS = Number(process.env['BENCH_ECHO_SECONDS'] ?? 15);
const OPEN_RATE = Number(process.env['BENCH_OPEN_RATE'] ?? 1000);
/** `engine` runs part (a) only (for profiling the engine); default: everything. */
const ENGINE_ONLY = process.env['BENCH_PARTS'] === 'engine';

const event = (worker: number): NewEvent => ({
  id: randomUUID(),
  type: 'bench.appended',
  stream: `agent-${worker}`,
  agent: `agent-${worker}`,
  correlationId: 'bench',
  causationId: null,
  schemaVersion: 1,
  data: { command: 'git status --porcelain && npm test -- --runInBand', decision: 'allow', tier: 'memory', pad: 'x'.repeat(60) },
});

const ms = (s: { p50_us: number; p95_us: number; p99_us: number }) => ({
  p50_ms: Math.round(s.p50_us) / 1000,
  p95_ms: Math.round(s.p95_us) / 1000,
  p99_ms: Math.round(s.p99_us) / 1000,
});
const perSecond = (n: number, s: number) => Math.round(n / s);
const log = (line: string) => process.stderr.write(`[bench event-store] ${line}\n`);

/**
 * Engine and baseline loop, in alternating slices of ENGINE_SLICE_SECONDS until each has had
 * ENGINE_SECONDS: on a shared machine the CPU left to this process drifts by 2-3x within a
 * minute, and back-to-back runs of 10 s each measured that drift more than the engines. Each
 * side keeps its one log across its slices; CPU time per event is reported beside the rate.
 */
async function engine(dir: string) {
  const eventLog = await EventLog.open({ dir: join(dir, 'engine'), keyring: { keys: [{ id: 1, secret: randomBytes(32) }], activeKeyId: 1 } });
  const baseline = await BaselineLog.open(join(dir, 'baseline.log'), randomBytes(32));
  type Side = { op: (w: number) => Promise<unknown>; runs: LoopRun[]; cpuUs: number };
  const sides: { run: Side; base: Side } = {
    run: { op: (w: number) => eventLog.append({ events: [event(w)] }), runs: [] as LoopRun[], cpuUs: 0 },
    base: { op: (w: number) => baseline.append(event(w)), runs: [] as LoopRun[], cpuUs: 0 },
  };
  const slices = Math.max(1, Math.round(ENGINE_SECONDS / ENGINE_SLICE_SECONDS));
  for (let slice = 0; slice < slices; slice++) {
    for (const side of slice % 2 === 0 ? [sides.run, sides.base] : [sides.base, sides.run]) {
      const cpu = process.cpuUsage();
      side.runs.push(await closedLoop(CONCURRENCY, ENGINE_SECONDS / slices, side.op));
      const used = process.cpuUsage(cpu);
      side.cpuUs += used.user + used.system;
    }
  }
  await eventLog.close();
  await baseline.close();
  const merge = (side: Side) => ({
    samples: side.runs.flatMap((r) => r.samples),
    elapsedS: side.runs.reduce((sum, r) => sum + r.elapsedS, 0),
    errors: side.runs.reduce((sum, r) => sum + r.errors, 0),
    cpuUsPerEvent: Math.round((side.cpuUs / Math.max(1, side.runs.reduce((sum, r) => sum + r.samples.length, 0))) * 100) / 100,
  });
  return { run: merge(sides.run), base: merge(sides.base) };
}

async function service(dir: string, services: BuiltServices) {
  const nats = await startNats();
  const env = {
    NATS_URL: nats.url,
    LH_EVENT_DIR: join(dir, 'service'),
    LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`,
    LH_LOG_LEVEL: 'warn',
  };
  const bus = await NatsBus.connect({ servers: nats.url, name: 'bench', timeoutMs: 30_000 });
  const client = new EventStoreClient(bus, 30_000);
  const [store, echo] = await Promise.all([
    startService({ name: 'event-store', main: services.main('event-store'), env, ready: () => client.head().then(() => true), readyTimeoutMs: 20_000 }),
    startNatsEcho(nats.url, 'bench.echo', repoRoot()),
  ]);
  // The baseline is a raw NATS round trip, on a plain connection of its own.
  const raw = await connect({ servers: nats.url, name: 'bench-echo' });
  try {
    log(`service: ${CONCURRENCY} agents offering ${OPEN_RATE} appends/s for ${SERVICE_SECONDS} s`);
    const offered = await openLoop(OPEN_RATE, SERVICE_SECONDS, (i) => client.append({ events: [event(i % CONCURRENCY)] }).then(() => undefined));
    const open = { samples: offered.all, elapsedS: offered.elapsedS, errors: offered.offered - offered.completed };
    log(`service: ${CONCURRENCY} appenders in a closed loop for ${ECHO_SECONDS} s`);
    const run = await closedLoop(CONCURRENCY, ECHO_SECONDS, (w) => client.append({ events: [event(w)] }));
    const payload = new TextEncoder().encode(JSON.stringify(event(0)));
    log(`echo: ${CONCURRENCY} requesters for ${ECHO_SECONDS} s`);
    const base = await closedLoop(CONCURRENCY, ECHO_SECONDS, () => raw.request('bench.echo', payload, { timeout: 30_000 }));
    return { open, run, base };
  } finally {
    await bus.close();
    await raw.drain();
    await Promise.all([store.stop(), echo.stop()]);
    await nats.stop();
  }
}

/** The service on the replicated backend, and the engine's raw R3 publish as its baseline. */
async function replicated(services: BuiltServices) {
  const cluster = await startNatsCluster(3);
  const env = { NATS_URL: cluster.url, LH_EVENT_BACKEND: 'jetstream', LH_EVENT_REPLICAS: '3', LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`, LH_LOG_LEVEL: 'warn' };
  const bus = await NatsBus.connect({ servers: cluster.url, name: 'bench-js', timeoutMs: 30_000 });
  const client = new EventStoreClient(bus, 30_000);
  const raw = await connect({ servers: cluster.url.split(','), name: 'bench-js-raw' });
  let store: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    store = await startService({ name: 'event-store-js', main: services.main('event-store'), env, ready: () => client.head().then(() => true), readyTimeoutMs: 60_000 });
    log(`jetstream service: ${OPEN_RATE} appends/s offered for ${SERVICE_SECONDS} s`);
    const offered = await openLoop(OPEN_RATE, SERVICE_SECONDS, (i) => client.append({ events: [event(i % CONCURRENCY)] }).then(() => undefined));
    const open = { samples: offered.all, elapsedS: offered.elapsedS, errors: offered.offered - offered.completed };
    log(`jetstream service: ${CONCURRENCY} appenders in a closed loop for ${ECHO_SECONDS} s`);
    const run = await closedLoop(CONCURRENCY, ECHO_SECONDS, (w) => client.append({ events: [event(w)] }));
    // The engine alone: an R3 file stream, the same payload size, acknowledged publishes.
    const jsm = await raw.jetstreamManager();
    await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw'], storage: StorageType.File, num_replicas: 3 });
    const js = raw.jetstream({ timeout: 30_000 });
    const payload = new TextEncoder().encode(JSON.stringify(event(0)));
    log(`jetstream raw: ${CONCURRENCY} publishers of R3 acknowledged publishes for ${ECHO_SECONDS} s`);
    const base = await closedLoop(CONCURRENCY, ECHO_SECONDS, () => js.publish('bench.raw', payload));
    return { open, run, base };
  } finally {
    await bus.close();
    await raw.close();
    await store?.stop();
    await cluster.stop();
  }
}

function fdatasyncProbe(dir: string, seconds = 5) {
  const fd = openSync(join(dir, 'fsync.probe'), 'a');
  const block = Buffer.alloc(4096, 1);
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    writeSync(fd, block);
    const t0 = process.hrtime.bigint();
    fdatasyncSync(fd);
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  closeSync(fd);
  return { summary: latencySummary(samples), stalls: samples.filter((ns) => ns > 10e6).length, n: samples.length };
}

async function main(): Promise<void> {
  const services = await buildServices({ apps: ['event-store'], tag: 'bench-es' });
  const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'lh-bench-es-'));
  try {
    const fsyncBefore = fdatasyncProbe(dir, 3);
    log(`engine: ${CONCURRENCY} appenders, ${ENGINE_SECONDS} s each for engine and baseline`);
    const eng = await engine(dir);
    if (ENGINE_ONLY) {
      const rate = (r: typeof eng.run) => perSecond(r.samples.length, r.elapsedS);
      process.stdout.write(`${JSON.stringify({ bench: 'event-store', part: 'engine', engine: { ...ms(latencySummary(eng.run.samples)), events_per_s: rate(eng.run), cpu_us_per_event: eng.run.cpuUsPerEvent }, engine_vs_baseline: Math.round((rate(eng.run) / rate(eng.base)) * 100) / 100, engine_cpu_vs_baseline: Math.round((eng.base.cpuUsPerEvent / eng.run.cpuUsPerEvent) * 100) / 100, baseline: { engine_loop: { ...ms(latencySummary(eng.base.samples)), events_per_s: rate(eng.base), cpu_us_per_event: eng.base.cpuUsPerEvent } } })}\n`);
      return;
    }
    const svc = await service(dir, services);
    const js = await replicated(services);
    const fsyncAfter = fdatasyncProbe(dir, 3);
    const engineRate = perSecond(eng.run.samples.length, eng.run.elapsedS);
    const baseRate = perSecond(eng.base.samples.length, eng.base.elapsedS);
    const serviceRate = perSecond(svc.run.samples.length, svc.run.elapsedS);
    const echoRate = perSecond(svc.base.samples.length, svc.base.elapsedS);
    const fsyncSamples = { p50_us: fsyncAfter.summary.p50_us, p99_us: Math.max(fsyncBefore.summary.p99_us, fsyncAfter.summary.p99_us) };
    const result = {
      bench: 'event-store',
      concurrency: CONCURRENCY,
      engine: { ...ms(latencySummary(eng.run.samples)), events_per_s: engineRate, cpu_us_per_event: eng.run.cpuUsPerEvent, errors: eng.run.errors },
      engine_vs_baseline: Math.round((engineRate / baseRate) * 100) / 100,
      engine_cpu_vs_baseline: Math.round((eng.base.cpuUsPerEvent / eng.run.cpuUsPerEvent) * 100) / 100,
      service_at_offered_rate: {
        ...ms(latencySummary(svc.open.samples)),
        offered_per_s: OPEN_RATE,
        events_per_s: perSecond(svc.open.samples.length, svc.open.elapsedS),
        seconds: SERVICE_SECONDS,
        errors: svc.open.errors,
      },
      service_saturated: { ...ms(latencySummary(svc.run.samples)), events_per_s: serviceRate, errors: svc.run.errors },
      service_vs_echo: Math.round((serviceRate / echoRate) * 100) / 100,
      // Side by side: the same service on the replicated backend (3-node cluster, R3 stream).
      jetstream_at_offered_rate: { ...ms(latencySummary(js.open.samples)), offered_per_s: OPEN_RATE, events_per_s: perSecond(js.open.samples.length, js.open.elapsedS), errors: js.open.errors },
      jetstream_saturated: { ...ms(latencySummary(js.run.samples)), events_per_s: perSecond(js.run.samples.length, js.run.elapsedS), errors: js.run.errors },
      jetstream_vs_raw_r3: Math.round((perSecond(js.run.samples.length, js.run.elapsedS) / Math.max(1, perSecond(js.base.samples.length, js.base.elapsedS))) * 100) / 100,
      fdatasync: { ...fsyncSamples, stalls_over_10ms: fsyncBefore.stalls + fsyncAfter.stalls, probes: fsyncBefore.n + fsyncAfter.n },
      baseline: {
        engine_loop: { ...ms(latencySummary(eng.base.samples)), events_per_s: baseRate, cpu_us_per_event: eng.base.cpuUsPerEvent },
        nats_echo: { ...ms(latencySummary(svc.base.samples)), requests_per_s: echoRate },
        jetstream_r3_publish: { ...ms(latencySummary(js.base.samples)), publishes_per_s: perSecond(js.base.samples.length, js.base.elapsedS), errors: js.base.errors },
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    services.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
