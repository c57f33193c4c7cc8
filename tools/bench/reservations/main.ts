// Benchmark of reservation enforcement (issue 17): what a live reservation set adds to a
// validation in the speed layer. In process, the speed layer's own code: its ReservationGuard
// (the reservation book folded from `reservation.reserved` events, the trie index, the write
// targets of a call remembered per distinct request) checked before the memory tier, as
// ValidationService does, then the memory tier (request key, decision key) or, for a call not
// seen before, the policy tier (decide: normalise, effects, rules). Two identical pipelines, one
// whose book holds BENCH_RESERVATIONS (10 000) reservations across BENCH_HOLDERS (1000) agents,
// one with none (the baseline, measured in the same run, interleaved call for call):
//   repeat      BENCH_CALLS (200 000) validations per side drawn from BENCH_POOL (2000) distinct
//               calls of every kind (Write/Edit/MultiEdit into reserved and free paths, shell lines
//               that write, move, delete or only read, Read), each seen once before (warm);
//   first_seen  BENCH_FIRST (5000) calls never seen before per side: the policy tier decides them,
//               and with reservations the guard computes their write targets too;
//   check_only  the guard's check alone on the repeat mix (what the empty book skips).
//   service     (BENCH_PARTS has `service`, the default) the same through the built bridge: see service.ts.
// BENCH_PARTS=pure runs only the in-process part (no stack).
// The reservation set: 100 top-level packages, every agent holding ten reservations in them
// (directories `pkg-P/src/mod-M/**`, single files, `*.ts` of a directory, brace alternatives and
// one `pkg-P/*/mod-M/**` whose wildcard is filed high in the trie), one in ten shared.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RESERVATIONS_STREAM, type Actor, type EventEnvelope, type ValidateRequest } from '@lighthouse/contracts';
import { decide, decisionKey, loadDefaultPolicy, MemoryTier } from '@lighthouse/policy';
import { RequestKeyCache } from '../../../apps/speed-layer/src/validation/decision-cache';
import { ReservationGuard } from '../../../apps/speed-layer/src/validation/reservation-guard';
import { workspaceOf } from '../../../apps/speed-layer/src/validation/workspace';
import { log as logFor, msValues } from '../bridge';
import { p99UnderKey, TARGETS } from '../targets';
import { throughService } from './service';

const RESERVATIONS = Number(process.env['BENCH_RESERVATIONS'] ?? 10_000);
const HOLDERS = Number(process.env['BENCH_HOLDERS'] ?? 1000);
const POOL = Number(process.env['BENCH_POOL'] ?? 2000);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 200_000);
const FIRST = Number(process.env['BENCH_FIRST'] ?? 5000);
const ROOT = '/workspace';
const HOME = '/home/agent';
const PACKAGES = 100;
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'pure,service').split(','));
const repo = process.env['BENCH_REPO'] ?? join(__dirname, '..', '..', '..');
const log = logFor('reservations');

/** The speed layer's pipeline up to an answer: reservations first, then memory, else the policy tier (what ValidationService.answer walks for a call no expert is asked about). */
class Pipeline {
  readonly guard = new ReservationGuard({ workspaceRoot: ROOT, homeDir: HOME, environment: 'local', strict: false, cacheEntries: 10_000 });
  private readonly keys = new RequestKeyCache(10_000);
  private readonly memory = new MemoryTier({ max: 10_000, namespace: 'bench:' });
  private readonly policy = loadDefaultPolicy();

  validate(actor: Actor, request: ValidateRequest): string {
    const held = this.guard.check(actor, request);
    if (held) return 'deny:reservation';
    const raw = RequestKeyCache.rawKeyOf(request.tool, request.cwd ?? '', request.input);
    const key = this.keys.get(raw);
    const hit = key === undefined ? undefined : this.memory.get(key);
    if (hit) return `${hit.decision}:memory`;
    const decided = decide({ tool: request.tool, input: request.input }, { ...workspaceOf(ROOT, request.cwd), homeDir: HOME, environment: 'local' }, this.policy);
    const decisionKeyOf = decisionKey(decided.normalised);
    this.keys.set(raw, decisionKeyOf);
    if (decided.decision !== 'escalate') this.memory.set(decisionKeyOf, { decision: decided.decision, source: 'policy', reason: decided.reason });
    return `${decided.decision}:policy`;
  }
}

const agentOf = (i: number) => `agent-${String(i % HOLDERS).padStart(4, '0')}`;
const actorOf = (agent: string): Actor => ({ agent, roles: [], operator: false, capacity: 1 });

/** Reservation `r` (0 … RESERVATIONS-1): its package and module are distinct for every r under 10 000. */
function patternOf(r: number): string {
  const pkg = `pkg-${r % PACKAGES}`;
  const mod = `mod-${Math.floor(r / PACKAGES) % 100}`;
  switch (r % 10) {
    case 6:
      return `${pkg}/src/${mod}/index.ts`;
    case 7:
      return `${pkg}/src/${mod}/*.ts`;
    case 8:
      return `${pkg}/{src,test}/${mod}/**`;
    case 9:
      return `${pkg}/*/${mod}/**`;
    default:
      return `${pkg}/src/${mod}/**`;
  }
}

function reservationEvents(): EventEnvelope[] {
  const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
  const at = new Date().toISOString();
  return Array.from({ length: RESERVATIONS }, (_, r) => ({
    id: randomUUID(),
    sequence: r + 1,
    streamVersion: r + 1,
    time: at,
    stream: RESERVATIONS_STREAM,
    type: 'reservation.reserved',
    agent: 'delegation-router',
    data: {
      id: randomUUID(),
      holder: agentOf(Math.floor(r / (RESERVATIONS / HOLDERS))),
      sessionId: 'bench-session-000000001',
      pattern: patternOf(r),
      mode: r % 10 === 3 ? 'shared' : 'exclusive',
      reason: `bench reservation ${r}`,
      epoch: r + 1,
      expiresAt,
      at,
    },
  })) as unknown as EventEnvelope[];
}

/** Call `i` of a realistic mix: writes into reserved modules (0-99) and free ones (100-149), shell lines that change or only read them, reads. `salt` makes it a call never seen before. */
function callOf(i: number, salt = ''): { actor: Actor; request: ValidateRequest } {
  const pkg = `pkg-${(i * 7) % PACKAGES}`;
  const mod = `mod-${(i * 13) % 150}`;
  const file = `${pkg}/src/${mod}/file-${i % 37}${salt}.ts`;
  const shapes: Array<() => ValidateRequest> = [
    () => ({ tool: 'Write', input: { file_path: `${ROOT}/${file}`, content: 'export const x = 1;\n' } }),
    () => ({ tool: 'Edit', input: { file_path: `${ROOT}/${file}`, old_string: 'a', new_string: 'b' } }),
    () => ({ tool: 'MultiEdit', input: { file_path: `${ROOT}/${file}`, edits: [{ old_string: 'a', new_string: 'b' }] } }),
    () => ({ tool: 'Bash', input: { command: `sed -i s/a/b/ ${file}` }, cwd: ROOT }),
    () => ({ tool: 'Bash', input: { command: `echo done > ${file}` }, cwd: ROOT }),
    () => ({ tool: 'Bash', input: { command: `mv ${file} ${pkg}/src/${mod}/moved${salt}.ts` }, cwd: ROOT }),
    () => ({ tool: 'Bash', input: { command: `rm -f ${file}` }, cwd: ROOT }),
    () => ({ tool: 'Bash', input: { command: `cat ${file} | grep -n export${salt}` }, cwd: ROOT }),
    () => ({ tool: 'Bash', input: { command: `git status ${pkg}${salt}` }, cwd: ROOT }),
    () => ({ tool: 'Read', input: { file_path: `${ROOT}/${file}` } }),
  ];
  const request = (shapes[i % shapes.length] as () => ValidateRequest)();
  return { actor: actorOf(agentOf(i * 31)), request };
}

/** The in-process part: the speed layer's pipeline with and without the reservation set. */
function inProcess(): Record<string, unknown> {
  const live = new Pipeline();
  const empty = new Pipeline();
  const started = performance.now();
  for (const event of reservationEvents()) live.guard.onEvent(event);
  const foldMs = performance.now() - started;
  if (live.guard.book.size !== RESERVATIONS) throw new Error(`the book holds ${live.guard.book.size} reservations, not ${RESERVATIONS}`);
  log(`${RESERVATIONS} reservations of ${HOLDERS} agents folded in ${foldMs.toFixed(0)} ms`);

  const pool = Array.from({ length: POOL }, (_, i) => callOf(i));
  const outcomes = { live: {} as Record<string, number>, empty: {} as Record<string, number> };
  // Warm: every call of the pool seen once by each pipeline (the memory tier and the guard's target cache hold it), and the JIT.
  for (let round = 0; round < 3; round++) {
    for (const { actor, request } of pool) {
      live.validate(actor, request);
      empty.validate(actor, request);
    }
  }

  const withMs: number[] = [];
  const withoutMs: number[] = [];
  const checkMs: number[] = [];
  let seed = 12345;
  for (let n = 0; n < CALLS; n++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const { actor, request } = pool[seed % POOL] as { actor: Actor; request: ValidateRequest };
    // Alternate which side goes first, so neither gets the other's warm caches.
    const order = n % 2 === 0 ? (['live', 'empty'] as const) : (['empty', 'live'] as const);
    for (const side of order) {
      const pipeline = side === 'live' ? live : empty;
      const t0 = performance.now();
      const outcome = pipeline.validate(actor, request);
      (side === 'live' ? withMs : withoutMs).push(performance.now() - t0);
      outcomes[side][outcome] = (outcomes[side][outcome] ?? 0) + 1;
    }
    const t1 = performance.now();
    live.guard.check(actor, request);
    checkMs.push(performance.now() - t1);
  }
  if (!outcomes.live['deny:reservation'] || outcomes.empty['deny:reservation']) throw new Error(`the reservation set denied nothing, or the empty book denied: ${JSON.stringify(outcomes)}`);

  const firstWith: number[] = [];
  const firstWithout: number[] = [];
  for (let n = 0; n < FIRST; n++) {
    const a = callOf(n, `-a${n}`);
    const b = callOf(n, `-b${n}`);
    const [first, second] = n % 2 === 0 ? ([['live', a], ['empty', b]] as const) : ([['empty', a], ['live', b]] as const);
    for (const [side, { actor, request }] of [first, second]) {
      const t0 = performance.now();
      (side === 'live' ? live : empty).validate(actor, request);
      (side === 'live' ? firstWith : firstWithout).push(performance.now() - t0);
    }
  }

  const repeat = { with_reservations: msValues(withMs), without_reservations: msValues(withoutMs) };
  const first = { with_reservations: msValues(firstWith), without_reservations: msValues(firstWithout) };
  const added = (s: { with_reservations: { p50_ms: number; p99_ms: number }; without_reservations: { p50_ms: number; p99_ms: number } }) => ({
    p50_ms: round3(s.with_reservations.p50_ms - s.without_reservations.p50_ms),
    p99_ms: round3(s.with_reservations.p99_ms - s.without_reservations.p99_ms),
  });
  const check = msValues(checkMs);
  const repeatAdded = added(repeat);
  return {
    reservations: RESERVATIONS,
    holders: HOLDERS,
    fold_ms: round3(foldMs),
    pool: POOL,
    repeat: { ...repeat, added: repeatAdded, outcomes: outcomes.live },
    first_seen: { ...first, added: added(first), calls: FIRST },
    check_only: check,
    targets: {
      [p99UnderKey('added_to_a_validation', TARGETS.reservationAddedP99Ms)]: { p99_ms: repeatAdded.p99_ms, met: repeatAdded.p99_ms < TARGETS.reservationAddedP99Ms },
      [p99UnderKey('check_only', TARGETS.reservationAddedP99Ms)]: { p99_ms: check.p99_ms, met: check.p99_ms < TARGETS.reservationAddedP99Ms },
    },
  };
}

async function main(): Promise<void> {
  const pure = PARTS.has('pure') ? inProcess() : null;
  const { targets, ...inProcessFigures } = pure ?? {};
  if (pure) log(`in process: ${JSON.stringify(inProcessFigures)}`);
  const service = PARTS.has('service') ? await throughService({ repo, holders: HOLDERS, reservations: RESERVATIONS, patternOf }) : null;
  const repeat = pure?.['repeat'] as { without_reservations: unknown } | undefined;
  const first = pure?.['first_seen'] as { without_reservations: unknown } | undefined;
  const baseline = {
    validation_without_reservations: repeat?.without_reservations ?? null,
    first_seen_without_reservations: first?.without_reservations ?? null,
    service_before_reservations: service?.['before'] ?? null,
  };
  process.stdout.write(`${JSON.stringify({ bench: 'reservations', parts: [...PARTS], in_process: pure ? inProcessFigures : null, service, targets: targets ?? null, baseline })}\n`);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
