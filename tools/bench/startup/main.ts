// Start-up of the followers over a long history (issue 19): a log of BENCH_EVENTS events (default
// 1 000 000) written straight with the file engine, served by the built event store; then the
// built delegation router and speed layer, each started twice: first with an empty snapshot
// bucket (the baseline: it replays the log from sequence 1, then writes its snapshot), then again
// (it loads the snapshot and replays only what follows). Start-up is spawn → health answered.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RPC } from '@lighthouse/contracts';
import { SnapshotKeyring, decodeSnapshot, openSnapshot, type SnapshotKeys } from '@lighthouse/snapshots';
import { buildServices, freePort, startNats, startRedis, startService, type BuiltServices, type ServiceProcess } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, ObjectSnapshotStore } from '@lighthouse/transport';
import { TARGETS } from '../targets';
import { writeHistory } from './history';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
/** A snapshot after this many events (a smaller log in a smoke run still gets one after its first start). */
const EVERY_EVENTS = String(Math.min(50_000, Math.max(1000, Math.floor(EVENTS / 4))));
const LIMIT_MS = Number(process.env['BENCH_STARTUP_LIMIT_MS'] ?? TARGETS.startupFromSnapshotMs);
const log = (line: string) => process.stderr.write(`[bench startup] ${line}\n`);

interface Follower {
  app: 'delegation-router' | 'speed-layer';
  kinds: string[];
  health: typeof RPC.delegation.health;
  env: NodeJS.ProcessEnv;
}

/** What each follower of the process logged of its start (`caught up ...`): where its time went. */
function startupPhases(output: string): Record<string, unknown> {
  const phases: Record<string, unknown> = {};
  for (const line of output.split('\n')) {
    if (!line.includes('caught up from')) continue;
    try {
      const entry = JSON.parse(line) as { follower?: string; ms?: number; replayed?: number; phases?: unknown };
      if (entry.follower) phases[entry.follower] = { ms: entry.ms, replayed: entry.replayed, ...(entry.phases as object) };
    } catch {
      // not a log line of ours
    }
  }
  return phases;
}

/** Spawn → health answered, what its metrics say it replayed, and where its followers' start went. */
async function startTimed(services: BuiltServices, follower: Follower, client: NatsBus, env: NodeJS.ProcessEnv): Promise<{ ms: number; replayed: number; process: ServiceProcess; opsPort: number; phases: Record<string, unknown> }> {
  const opsPort = await freePort();
  const started = performance.now();
  const process = await startService({
    name: follower.app,
    main: services.main(follower.app),
    env: { ...env, ...follower.env, LH_OPS_PORT: String(opsPort), LH_LOG_LEVEL: 'info' },
    ready: () => client.request(follower.health, {}, { timeoutMs: 1000 }).then(() => true),
    readyTimeoutMs: 1_800_000,
  });
  const ms = Math.round(performance.now() - started);
  const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const replayed = metrics
    .split('\n')
    .filter((line) => line.startsWith('lh_follower_applied_events_total{') && line.includes('phase="startup"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  return { ms, replayed, process, opsPort, phases: startupPhases(process.output()) };
}

/** Waits until every snapshot of the follower covers at least `sequence`; answers their sizes. */
async function snapshotsCover(snapshots: ObjectSnapshotStore, keys: SnapshotKeys, kinds: string[], sequence: number): Promise<number> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    let bytes = 0;
    let covered = true;
    for (const kind of kinds) {
      const saved = await snapshots.load(kind);
      const opened = saved ? openSnapshot(keys, kind, saved) : undefined;
      const decoded = opened?.ok ? decodeSnapshot(opened.body, { kind, stateVersion: 1, lastSequence: Number.MAX_SAFE_INTEGER }) : undefined;
      if (!decoded?.ok || decoded.header.sequence < sequence) covered = false;
      bytes += saved?.length ?? 0;
    }
    if (covered) return bytes;
    if (Date.now() > deadline) throw new Error(`no snapshot of ${kinds.join(', ')} covering ${sequence} within 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lh-bench-startup-'));
  const secret = randomBytes(32);
  log(`writing ${EVENTS} events with the file engine`);
  const writeStarted = performance.now();
  const written = await writeHistory(join(dir, 'events'), secret, EVENTS, (n) => n > 0 && log(`  ${n} written`));
  const writeS = (performance.now() - writeStarted) / 1000;
  log(`wrote ${written} events in ${writeS.toFixed(1)} s`);
  const [services, nats, redis] = await Promise.all([buildServices({ apps: ['event-store', 'delegation-router', 'speed-layer'], tag: 'bench-startup' }), startNats(), startRedis()]);
  const client = await NatsBus.connect({ servers: nats.url, name: 'bench', timeoutMs: 30_000 });
  const running: ServiceProcess[] = [];
  try {
    // The followers sign their snapshots with the event log keys.
    const env = { NATS_URL: nats.url, REDIS_URL: redis.url, LH_REDIS_PREFIX: 'bench-startup:', LH_SNAPSHOT_EVERY_EVENTS: EVERY_EVENTS, LH_EVENT_HMAC_KEYS: `1:${secret.toString('base64')}` };
    const storeStarted = performance.now();
    const store = new EventStoreClient(client, 30_000);
    running.push(
      await startService({
        name: 'event-store',
        main: services.main('event-store'),
        env: { ...env, LH_EVENT_DIR: join(dir, 'events'), LH_LOG_LEVEL: 'warn' },
        ready: () => store.head().then(() => true),
        readyTimeoutMs: 600_000,
      }),
    );
    const head = await store.head();
    log(`event store serving ${head.lastSequence} events (opened in ${Math.round(performance.now() - storeStarted)} ms)`);
    const snapshots = await ObjectSnapshotStore.open(client.streams);
    const followers: Follower[] = [
      { app: 'delegation-router', kinds: ['delegation-router', 'delegation-router-reservations'], health: RPC.delegation.health, env: {} },
      { app: 'speed-layer', kinds: ['speed-layer'], health: RPC.speed.health, env: {} },
    ];
    const results: Record<string, { replay_from_1_ms: number; replayed_from_1: number; from_snapshot_ms: number; replayed_from_snapshot: number; snapshot_bytes: number; from_snapshot_phases: Record<string, unknown> }> = {};
    for (const follower of followers) {
      log(`${follower.app}: start with no snapshot (replays from sequence 1)`);
      const cold = await startTimed(services, follower, client, env);
      running.push(cold.process);
      log(`${follower.app}: ready in ${cold.ms} ms, replayed ${cold.replayed}; waiting for its snapshot`);
      const bytes = await snapshotsCover(snapshots, new SnapshotKeyring([{ id: 1, secret }]), follower.kinds, head.lastSequence - 1);
      await cold.process.stop();
      log(`${follower.app}: start from its snapshot (${bytes} bytes)`);
      const warm = await startTimed(services, follower, client, env);
      running.push(warm.process);
      log(`${follower.app}: ready in ${warm.ms} ms, replayed ${warm.replayed}; ${JSON.stringify(warm.phases)}`);
      await warm.process.stop();
      results[follower.app.replace('-', '_')] = { replay_from_1_ms: cold.ms, replayed_from_1: cold.replayed, from_snapshot_ms: warm.ms, replayed_from_snapshot: warm.replayed, snapshot_bytes: bytes, from_snapshot_phases: warm.phases };
    }
    const router = results['delegation_router'] as (typeof results)[string];
    const speed = results['speed_layer'] as (typeof results)[string];
    const summary = {
      bench: 'startup',
      events: head.lastSequence,
      write_events_per_s: Math.round(written / writeS),
      router,
      speed_layer: speed,
      [`router_from_snapshot_under_${LIMIT_MS}ms`]: router.from_snapshot_ms < LIMIT_MS,
      [`speed_layer_from_snapshot_under_${LIMIT_MS}ms`]: speed.from_snapshot_ms < LIMIT_MS,
      baseline: { router_replay_from_1_ms: router.replay_from_1_ms, speed_layer_replay_from_1_ms: speed.replay_from_1_ms },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    for (const started of running.reverse()) await started.stop().catch(() => undefined);
    await client.close().catch(() => undefined);
    await redis.stop();
    await nats.stop();
    services.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
