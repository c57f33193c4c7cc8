// Benchmark: sessions at 1000 concurrent agents, through the built bridge (gateway, registry,
// event store as processes on a private NATS, Redis with a private key prefix).
//   create_session  POST /sessions (credential check, event appended and fsynced, Redis, token)
//   whoami          GET /whoami: the auth guard alone (token MAC, revocations, rate limit), no hop
//   heartbeat       POST /sessions/heartbeat: guard + request signature + NATS hop + Redis nonce/touch
// Each figure is the latency of one request while all agents send theirs at the same moment,
// measured against the same burst of GET /health/live (no auth, no fan-out) in the same run;
// per_s is the rate at which a burst was answered. Client and bridge share the machine.
// `uncontended`: the same paths one request at a time, with each service's CPU µs and wake-ups
// (voluntary context switches, all threads) per request, read from /proc around each block.
import 'reflect-metadata';
import { join } from 'node:path';
import { childPids, findOrStartRedis } from '@lighthouse/testing';
import { AgentClient, issueCredential, prepare, send, type Answer } from '../../e2e/agent-client';
import { startE2eStack } from '../../e2e/e2e-stack';
import { profilingEnv } from '../bridge';
import { latencySummary } from '../stats';
import { measured, perRequest, type SchedTotals } from './sched-meter';

const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
/**
 * Sequential requests per path for the uncontended figures, after SOLO_WARMUP each unmeasured.
 * 20 made a p50 that swung by a millisecond from run to run; 300 make it a stable estimate.
 */
const SOLO = Number(process.env['BENCH_SOLO'] ?? 300);
const SOLO_WARMUP = Number(process.env['BENCH_SOLO_WARMUP'] ?? 30);
const SOLO_BLOCK = 20;
const SOLO_AGENTS = Math.min(AGENTS, 10);
/** BENCH_PROFILE=1 writes a CPU profile of every service when the stack stops (into BENCH_PROFILE_DIR). */
const PROFILE = process.env['BENCH_PROFILE'] === '1';
// dist/tools/bench/sessions.js → the repository root
const repo = process.env['BENCH_REPO'] ?? join(__dirname, '..', '..', '..');

interface Burst {
  samplesNs: number[];
  statuses: Record<string, number>;
  /** From the first request sent to the last answer. */
  wallNs: number;
}

/** Every agent sends one request at the same moment; the latency of each, in ns. */
async function burst(requests: Array<() => Promise<Answer<unknown>>>): Promise<Burst> {
  const statuses: Record<string, number> = {};
  const began = process.hrtime.bigint();
  const samplesNs = await Promise.all(
    requests.map(async (request) => {
      const started = process.hrtime.bigint();
      const answer = await request();
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      return Number(process.hrtime.bigint() - started);
    }),
  );
  return { samplesNs, statuses, wallNs: Number(process.hrtime.bigint() - began) };
}

const round = (us: number) => Math.round(us * 10) / 10;

function collect(bursts: Burst[]) {
  const statuses: Record<string, number> = {};
  for (const b of bursts) for (const [status, n] of Object.entries(b.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const { p50_us, p95_us, p99_us, n } = latencySummary(bursts.flatMap((b) => b.samplesNs));
  const per_s = Math.round(n / (bursts.reduce((sum, b) => sum + b.wallNs, 0) / 1e9));
  return { p50_us, p95_us, p99_us, n, per_s, statuses };
}

async function main(): Promise<void> {
  const redis = await findOrStartRedis();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const profileDir = process.env['BENCH_PROFILE_DIR'] ?? join(repo, 'dist', 'profiles', `sessions-${process.pid}`);
  const stack = await startE2eStack({ repo, redisUrl: redis.url, env: { LH_LOG_LEVEL: 'warn', ...(PROFILE ? profilingEnv(profileDir) : {}) } });
  try {
    log(`bridge up at ${stack.gatewayUrl}; issuing ${AGENTS} credentials`);
    const ids = Array.from({ length: AGENTS }, (_, i) => `bench-${i}`);
    const agents: AgentClient[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      const credentials = await Promise.all(batch.map((id) => issueCredential(stack.gatewayUrl, stack.adminSecret, id)));
      batch.forEach((id, j) => agents.push(new AgentClient(stack.gatewayUrl, id, credentials[j] as string)));
    }
    const live = () => send(prepare(stack.gatewayUrl, 'GET', '/health/live'));
    // Warm up every path once (connections, JIT), then interleave rounds so drift hits all alike.
    await burst(agents.map(() => live));
    await burst(agents.map((a) => () => a.start()));
    const rounds = { baseline: [] as Burst[], create: [] as Burst[], whoami: [] as Burst[], heartbeat: [] as Burst[] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.baseline.push(await burst(agents.map(() => live)));
      rounds.create.push(await burst(agents.map((a) => () => a.start())));
      rounds.whoami.push(await burst(agents.map((a) => () => a.get('/whoami'))));
      rounds.heartbeat.push(await burst(agents.map((a) => () => a.change('POST', '/sessions/heartbeat'))));
      log(`round ${round + 1}/${ROUNDS} done`);
    }
    // The same requests one at a time: the cost of each path without queueing. In blocks of
    // SOLO_BLOCK per path, the paths interleaved so drift hits all alike, each block measured on
    // every service's own CPU time and wake-ups. The requests rotate over SOLO_AGENTS agents so
    // that SOLO of them stay under each agent's rate limit; each agent's credential was checked
    // in the warm-up, as a lone agent's is between two sessions.
    const pids: Record<string, number> = { ...stack.pids };
    const nats = childPids('nats-server')[0];
    if (nats !== undefined) pids['nats'] = nats;
    const soloAgents = agents.slice(0, SOLO_AGENTS);
    const paths = {
      baseline: () => live(),
      create_session: (a: AgentClient) => a.start(),
      whoami: (a: AgentClient) => a.get('/whoami'),
      heartbeat: (a: AgentClient) => a.change('POST', '/sessions/heartbeat'),
    };
    type Path = keyof typeof paths;
    const names = Object.keys(paths) as Path[];
    const alone = Object.fromEntries(names.map((name) => [name, { samples: [] as number[], sched: {} as SchedTotals, statuses: {} as Record<string, number> }])) as Record<Path, { samples: number[]; sched: SchedTotals; statuses: Record<string, number> }>;
    let turn = 0;
    const soloBlock = async (name: Path, count: number, record: boolean) => {
      const into = alone[name];
      const run = async () => {
        for (let i = 0; i < count; i++) {
          const agent = soloAgents[turn++ % soloAgents.length] as AgentClient;
          const started = process.hrtime.bigint();
          const answer = await paths[name](agent);
          if (!record) continue;
          into.samples.push(Number(process.hrtime.bigint() - started));
          into.statuses[answer.status] = (into.statuses[answer.status] ?? 0) + 1;
        }
      };
      await (record ? measured(pids, into.sched, run) : run());
    };
    for (const name of names) await soloBlock(name, SOLO_WARMUP, false);
    for (let done = 0; done < SOLO; done += SOLO_BLOCK) {
      for (const name of names) await soloBlock(name, Math.min(SOLO_BLOCK, SOLO - done), true);
    }
    const p = (name: Path) => {
      const { p50_us, p95_us, p99_us } = latencySummary(alone[name].samples);
      return { p50_us, p95_us, p99_us, statuses: alone[name].statuses, per_request: perRequest(alone[name].sched, alone[name].samples.length) };
    };
    const uncontended = {
      requests: SOLO,
      warmup: SOLO_WARMUP,
      create_session: p('create_session'),
      whoami: p('whoami'),
      heartbeat: p('heartbeat'),
      baseline: p('baseline'),
    };
    const baseline = collect(rounds.baseline);
    const figures = { create_session: collect(rounds.create), whoami: collect(rounds.whoami), heartbeat: collect(rounds.heartbeat) };
    const ratio = (f: { p50_us: number }) => Math.round((f.p50_us / baseline.p50_us) * 100) / 100;
    /** What the route adds to the same request without auth, at p50 and p99 (microseconds). */
    const overhead = (f: { p50_us: number; p99_us: number }) => ({ p50_us: round(f.p50_us - baseline.p50_us), p99_us: round(f.p99_us - baseline.p99_us) });
    const result = {
      bench: 'sessions',
      agents: AGENTS,
      rounds: ROUNDS,
      ...figures,
      ratio_p50: { create_session: ratio(figures.create_session), whoami: ratio(figures.whoami), heartbeat: ratio(figures.heartbeat) },
      overhead: { create_session: overhead(figures.create_session), whoami: overhead(figures.whoami), heartbeat: overhead(figures.heartbeat) },
      uncontended,
      baseline: { route: 'GET /health/live', ...baseline },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
