// Benchmark of the fuse-mounter: stat and 4 KiB read latency (open + read 4 KiB + close) through
// the mount, against the same calls, in the same run, on (a) a plain directory and (b) a minimal
// pass-through FUSE filesystem on fuse-native with the same kernel cache settings. The mounters
// run as their own processes; a child of this one makes plain synchronous system calls (each
// sample is one call's latency) under a deadline, so a hung mount cannot stall the run.
// Target: p95 under 1 ms and at most 2x the minimal FUSE filesystem's.
//
//   npm run bench -- fuse            BENCH_FILES (100), BENCH_SAMPLES (4000 per op and target)
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices, spawnService, startNats, startService, waitFor, type ServiceProcess } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { latencySummary } from '../stats';
import { runPassthrough } from './passthrough';

const FILES = Number(process.env['BENCH_FILES'] ?? 100);
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 4000);
const ROUNDS = 8;

type Target = { name: string; dir: string };

function mounted(path: string): boolean {
  return readFileSync('/proc/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === path);
}

const statOnce = (path: string) => () => void statSync(path);
const buffer = Buffer.alloc(4096);
const readOnce = (path: string) => () => {
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, buffer, 0, 4096, 0) !== 4096) throw new Error(`short read of ${path}`);
  } finally {
    closeSync(fd);
  }
};

function sample(count: number, files: string[], op: (path: string) => () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const call = op(files[i % files.length] as string);
    const started = process.hrtime.bigint();
    call();
    samples.push(Number(process.hrtime.bigint() - started));
  }
  return samples;
}

/** The child that makes the calls: samples every target, interleaved, and prints them as JSON. */
function measure(targets: Target[]): void {
  const files = (target: Target) => Array.from({ length: FILES }, (_, i) => join(target.dir, 'current', 'bench', `f${i}`));
  const results = Object.fromEntries(targets.map((t) => [t.name, { stat: [] as number[], read: [] as number[] }]));
  for (const target of targets) sample(500, files(target), readOnce);
  // Interleaved rounds, so drift in machine load falls on every target alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const into = results[target.name] as { stat: number[]; read: number[] };
      into.stat.push(...sample(SAMPLES / ROUNDS, files(target), statOnce));
      into.read.push(...sample(SAMPLES / ROUNDS, files(target), readOnce));
    }
  }
  process.stdout.write(JSON.stringify(results));
}

async function main(): Promise<void> {
  if (process.argv[2] === 'passthrough') return runPassthrough(process.argv[3] as string, process.argv[4] as string);
  if (process.argv[2] === 'measure') return measure(JSON.parse(process.argv[3] as string) as Target[]);
  if (process.getuid?.() !== 0) throw new Error('the fuse benchmark mounts filesystems: run it as root with /dev/fuse');
  const services = await buildServices({ apps: ['event-store', 'fuse-mounter'], tag: 'bench-fuse' });
  const nats = await startNats();
  const dir = mkdtempSync(join(tmpdir(), 'lh-bench-fuse-'));
  const ours = join(dir, 'mnt-lighthouse');
  const passthrough = join(dir, 'mnt-passthrough');
  const plain = join(dir, 'plain');
  const children: ServiceProcess[] = [];
  const bus = await NatsBus.connect({ servers: nats.url, name: 'bench-fuse' });
  try {
    const store = new EventStoreClient(bus, 1000);
    const storeEnv = { NATS_URL: nats.url, LH_EVENT_DIR: join(dir, 'events'), LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`, LH_LOG_LEVEL: 'warn' };
    children.push(await startService({ name: 'event-store', main: services.main('event-store'), env: storeEnv, ready: () => store.head().then(() => true) }));
    children.push(spawnService({ name: 'fuse-mounter', main: services.main('fuse-mounter'), env: { NATS_URL: nats.url, LH_FUSE_MOUNT_POINT: ours, LH_FUSE_CACHE_DIR: join(dir, 'cache'), LH_LOG_LEVEL: 'warn' } }));
    // The same files at the same depth in all three: <target>/current/bench/fNNN, 4 KiB each.
    mkdirSync(join(plain, 'current', 'bench'), { recursive: true });
    for (let i = 0; i < FILES; i++) writeFileSync(join(plain, 'current', 'bench', `f${i}`), randomBytes(4096));
    mkdirSync(passthrough, { recursive: true });
    children.push(spawnService({ name: 'passthrough', main: process.argv[1] as string, args: ['passthrough', plain, passthrough] }));
    const exited = () => children.map((child) => (child.exit() ? `${child.name} exited: ${child.output()}` : undefined)).find(Boolean);
    await waitFor(() => mounted(ours) && mounted(passthrough), 30_000, 'both mounts', exited);
    await waitFor(() => spawnSync('timeout', ['5', 'ls', join(ours, 'current')]).status === 0, 10_000, 'the lighthouse mount to answer', exited);
    execFileSync('timeout', ['-k', '2', '60', 'cp', '-r', join(plain, 'current', 'bench'), join(ours, 'current', 'bench')]);

    const targets: Target[] = [
      { name: 'lighthouse', dir: ours },
      { name: 'passthrough_fuse', dir: passthrough },
      { name: 'plain', dir: plain },
    ];
    // The calls run in a child process under a deadline: a hung mount ends the run, never stalls it.
    const measured = spawnSync(process.execPath, [process.argv[1] as string, 'measure', JSON.stringify(targets)], { timeout: 300_000, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    if (measured.status !== 0) throw new Error(`measuring failed (${measured.signal ?? measured.status}): ${measured.stderr}`);
    const results = new Map(Object.entries(JSON.parse(measured.stdout) as Record<string, { stat: number[]; read: number[] }>));
    const summary = (name: string) => {
      const r = results.get(name) as { stat: number[]; read: number[] };
      const stat = latencySummary(r.stat);
      const read = latencySummary(r.read);
      return { stat_p50_us: stat.p50_us, stat_p95_us: stat.p95_us, stat_p99_us: stat.p99_us, read4k_p50_us: read.p50_us, read4k_p95_us: read.p95_us, read4k_p99_us: read.p99_us };
    };
    const mine = summary('lighthouse');
    const fuse = summary('passthrough_fuse');
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const result = {
      bench: 'fuse',
      files: FILES,
      samples_per_op: SAMPLES,
      ...mine,
      ratio_stat_p95: ratio(mine.stat_p95_us, fuse.stat_p95_us),
      ratio_read4k_p95: ratio(mine.read4k_p95_us, fuse.read4k_p95_us),
      target_met: mine.stat_p95_us < 1000 && mine.read4k_p95_us < 1000 && mine.stat_p95_us <= 2 * fuse.stat_p95_us && mine.read4k_p95_us <= 2 * fuse.read4k_p95_us,
      baseline: { passthrough_fuse: fuse, plain: summary('plain') },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await bus.close();
    await nats.stop();
    for (const mountPoint of [ours, passthrough]) if (mounted(mountPoint)) spawnSync('fusermount', ['-uz', mountPoint], { timeout: 10_000 });
    if (!mounted(ours) && !mounted(passthrough)) rmSync(dir, { recursive: true, force: true });
    services.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
