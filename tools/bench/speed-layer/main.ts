// Benchmark of the speed layer through the gateway (issue 6), on the built bridge (every service
// a process, private NATS, Redis with a private key prefix). 1000 agents send POST /validate
// {tool:'Bash', input:{command}, cwd} with a realistic mix (commands.ts: ~90 % repeats, ~8 % new
// unique commands, ~2 % dangerous ones), in an open loop (latency from each call's due time, no
// coordinated omission), over at most one keep-alive connection per agent; a request that found
// no free connection within BENCH_TIMEOUT_MS (5000) of its due time fails unsent. In order:
//   solo     BENCH_SOLO (300) sequential validations, GET /health/live and raw NATS requests,
//            interleaved: each path's floor without queueing;
//   steps    BENCH_STEPS (100,200,500,1000,2000,3000,5000,7000,10000) for BENCH_STEP_SECONDS (5) each,
//            stopping at the first whose p99 exceeds the limit (TARGETS, 10 ms unless BENCH_P99_LIMIT_MS), that falls short of its rate, or errs:
//            the highest rate held with p99 under the limit, and CPU per validation by process;
//   baseline a raw `nats` request to an echo responder process with the payload the gateway sends
//            the speed layer, then GET /health/live (Fastify, same client, no auth, no hop), both
//            at BENCH_RATE;
//   fixed    BENCH_RATE (5000/s) for BENCH_SECONDS (20): p50/p99 end to end and per tier, and the
//            service's own latencyMs per tier (the memory tier inside the service).
//   policy   (first, before the stack starts) the policy tier on a cold call: decide() of
//            BENCH_POLICY_CALLS (5000) distinct 200-character commands of five everyday shapes, no
//            cache, after a separate warm-up, beside the same run's cost of parsing alone (the
//            floor), with the p50 and p99 ratios;
//   hook     the hook's whole-process wall time per tool call, `lighthouse-mcp hook pre-tool-use`
//            from spawn to exit with a cached session, BENCH_HOOK_RUNS (100) times, interleaved
//            with a bare `node -e 0` and the same POST /validate made in process.
// BENCH_PARTS (policy,hook,gateway) picks parts; without `gateway` only the first two run, and
// `policy` alone starts no stack.
// BENCH_PROFILE=1 writes a CPU profile of every service when the stack stops (into BENCH_PROFILE_DIR).
// For the tail (issue 16) every step reports how many validations went over the limit and how many
// of those spent most of it inside the speed layer (its own latencyMs: decision and journal
// acknowledgement), and the generator's own GC pauses; BENCH_DIAG=1 adds each service's GC pauses
// and event-loop stalls during the step; BENCH_SLOW_FILE=<file> appends every validation slower
// than BENCH_SLOW_MS (8) as a JSON line (wall time sent, round trip, in-service ms), to line up with
// those logs; BENCH_STATE_DIR keeps the stack's state and service logs.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { childPids, cpuMeter, cpuPerCall, errorsOf, findOrStartRedis, openLoop, type OpenLoopRun } from '@lighthouse/testing';
import { connect } from 'nats';
import { SUBJECTS, type ValidationResult } from '@lighthouse/contracts';
import { prepare, type AgentClient } from '../../e2e/agent-client';
import { startE2eStack } from '../../e2e/e2e-stack';
import { diagnosticsEnv, diagnosticsOf, HttpPool, log as logFor, profilingEnv, msSummary, msValues, openAgents, ratio, sendLag, startNatsEcho, stopOnCrash } from '../bridge';
import { limitFromEnv, p99UnderKey, TARGETS } from '../targets';
import { MemoryTier } from '@lighthouse/policy';
import { RequestKeyCache } from '../../../apps/speed-layer/src/validation/decision-cache';
import { CWD, REPEATS, checkMix, commandAt, MIX, type Category } from './commands';
import { hookProcess } from './hook-process';
import { POLICY_CHILD_ENV, policyTierCold, policyTierInServiceProcess } from './policy-tier';

const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 1000);
const RATE = Number(process.env['BENCH_RATE'] ?? 5000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
const BASELINE_SECONDS = Number(process.env['BENCH_BASELINE_SECONDS'] ?? 10);
const STEPS = (process.env['BENCH_STEPS'] ?? '100,200,500,1000,2000,3000,5000,7000,10000').split(',').map(Number);
const STEP_SECONDS = Number(process.env['BENCH_STEP_SECONDS'] ?? 5);
/** Sequential requests of each path for the uncontended figures. */
const SOLO = Number(process.env['BENCH_SOLO'] ?? 300);
const P99_LIMIT_MS = limitFromEnv(TARGETS.speedLayerP99Ms);
const PROFILE = process.env['BENCH_PROFILE'] === '1';
/** Connections to the gateway at most (one per agent), and how long a request may wait for one before it fails unsent. */
const SOCKETS = Number(process.env['BENCH_SOCKETS'] ?? AGENTS);
const TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_MS'] ?? 5000);
const repo = process.env['BENCH_REPO'] ?? join(__dirname, '..', '..', '..');
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'policy,hook,gateway').split(','));
const POLICY_CALLS = Number(process.env['BENCH_POLICY_CALLS'] ?? 5000);
const HOOK_RUNS = Number(process.env['BENCH_HOOK_RUNS'] ?? 100);
const log = logFor('speed-layer');
/** BENCH_DIAG=1: every service logs its GC pauses and event-loop stalls; each step reports them per service (into BENCH_DIAG_DIR). */
const DIAG = process.env['BENCH_DIAG'] === '1';
/** Keep the stack's state and the services' logs in this directory (a temporary one, removed, otherwise). */
const STATE_DIR = process.env['BENCH_STATE_DIR'];
/** Write every step's validations slower than BENCH_SLOW_MS (8) into this file: wall time sent, ms end to end and in the service, one JSON line each. */
const SLOW_FILE = process.env['BENCH_SLOW_FILE'];
const SLOW_MS = Number(process.env['BENCH_SLOW_MS'] ?? 8);

/** One validation's outcome as the bench keeps it. */
interface Seen {
  category: Category;
  tier: string;
  decision: string;
  serviceMs: number;
  /** Wall clock (ms) when it went out, and ms from there to its answer. */
  sentAt: number;
  roundTripMs: number;
}

async function main(): Promise<void> {
  const childCalls = process.env[POLICY_CHILD_ENV];
  if (childCalls) {
    process.stdout.write(`${JSON.stringify(policyTierCold(Number(childCalls)))}\n`);
    return;
  }
  const policyTier = PARTS.has('policy') ? policyTierInServiceProcess(POLICY_CALLS) : null;
  if (policyTier) log(`policy tier, cold: ${JSON.stringify(policyTier)}`);
  if (!PARTS.has('hook') && !PARTS.has('gateway')) {
    process.stdout.write(`${JSON.stringify({ bench: 'speed-layer', parts: [...PARTS], policy_tier_cold: policyTier, hook_process: null, baseline: { parse_only: policyTier?.['baseline_parse_only'] ?? null, node_e_0: null } })}\n`);
    return;
  }
  const mix = checkMix();
  log(`command mix checked with the default policy: ${mix.allow} allowed, ${mix.deny} denied forms, none escalates`);
  const profileDir = process.env['BENCH_PROFILE_DIR'] ?? join(repo, 'dist', 'profiles', `speed-layer-${process.pid}`);
  const diagDir = process.env['BENCH_DIAG_DIR'] ?? join(repo, 'dist', 'diag', `speed-layer-${process.pid}`);
  const redis = await findOrStartRedis();
  const stack = await startE2eStack({
    repo,
    redisUrl: redis.url,
    env: {
      LH_LOG_LEVEL: 'warn',
      // Nothing in the mix escalates; should something, fail closed in 2 s rather than hold 30 s.
      LH_SPEED_ESCALATION_TIMEOUT_MS: '2000',
      ...(PROFILE ? profilingEnv(profileDir) : {}),
      ...(DIAG ? { ...diagnosticsEnv(diagDir), NODE_OPTIONS: [PROFILE ? profilingEnv(profileDir)['NODE_OPTIONS'] : '', diagnosticsEnv(diagDir)['NODE_OPTIONS']].join(' ').trim() } : {}),
    },
    ...(STATE_DIR ? { stateDir: STATE_DIR } : {}),
  });
  const hook = PARTS.has('hook') ? await hookProcess(join(stack.root, 'dist', 'apps', 'mcp-adapter', 'main.js'), stack.gatewayUrl, stack.adminSecret, HOOK_RUNS).catch(async (error: unknown) => {
    await stack.stop();
    await redis.stop();
    throw error;
  }) : null;
  if (hook) log(`hook process: ${JSON.stringify(hook)}`);
  if (!PARTS.has('gateway')) {
    await stack.stop();
    await redis.stop();
    const baseline = { parse_only: policyTier?.['baseline_parse_only'] ?? null, node_e_0: hook?.['baseline_node_e_0'] ?? null };
    process.stdout.write(`${JSON.stringify({ bench: 'speed-layer', parts: [...PARTS], policy_tier_cold: policyTier, hook_process: hook, baseline })}\n`);
    return;
  }
  const echoSubject = `bench.echo.${process.pid}`;
  const echo = await startNatsEcho(stack.natsUrl, echoSubject, repo, stack.natsObserver);
  const nc = await connect({ ...stack.natsObserver, name: 'bench-baseline' });
  stopOnCrash(async () => {
    await echo.stop();
    await stack.stop();
    await redis.stop();
  });
  try {
    log(`bridge up at ${stack.gatewayUrl}; opening ${AGENTS} agent sessions`);
    const agents = await openAgents(stack.gatewayUrl, stack.adminSecret, AGENTS, 'sl');
    const pids: Record<string, number> = { ...stack.pids, 'nats-server': childPids('nats-server')[0] ?? -1, nats_echo: echo.pid };

    const pool = new HttpPool(SOCKETS, TIMEOUT_MS);
    let sequence = 0; // across every phase: a "new" command is never seen twice
    let seen: Seen[] = [];
    const validate = async (i: number, due?: number): Promise<string> => {
      const agent = agents[i % agents.length] as AgentClient;
      const { category, command } = commandAt(sequence++);
      let sentAt = 0;
      let sent = 0;
      const answer = await pool.send<ValidationResult>(() => {
        sentAt = Date.now();
        sent = performance.now();
        return agent.prepareChange('POST', '/validate', { tool: 'Bash', input: { command }, cwd: CWD });
      }, due);
      const roundTripMs = performance.now() - sent;
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 80)}`);
      const { tier, decision, latencyMs } = answer.body;
      seen.push({ category, tier, decision, serviceMs: latencyMs, sentAt, roundTripMs });
      return `${category}:${tier}`;
    };
    const live = async (_i: number, due?: number) => {
      const answer = await pool.send(() => prepare(stack.gatewayUrl, 'GET', '/health/live'), due);
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
      return 'live';
    };
    // The payload the gateway sends the speed layer for a typical validation.
    const payload = new TextEncoder().encode(JSON.stringify({ pattern: SUBJECTS.speed.validate, id: 'x'.repeat(36), data: { actor: { agent: 'sl-999', operator: false, roles: [], capacity: 1 }, request: { tool: 'Bash', input: { command: 'git status --porcelain' }, cwd: CWD } } }));
    const rawNats = async () => {
      await nc.request(echoSubject, payload, { timeout: TIMEOUT_MS });
      return 'nats';
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));

    const warmRate = Math.min(RATE, 200);
    log(`warm-up: ${warmRate}/s for ${WARMUP_SECONDS} s`);
    await openLoop(warmRate, WARMUP_SECONDS, validate);

    // One request at a time, the three paths interleaved: the floor of each without queueing.
    log(`uncontended: ${SOLO} sequential validations, GET /health/live and raw NATS requests`);
    seen = [];
    const solo = { validate: [] as number[], live: [] as number[], nats: [] as number[] };
    const timed = async (samples: number[], call: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await call();
      samples.push(Number(process.hrtime.bigint() - started));
    };
    for (let i = 0; i < SOLO; i++) {
      await timed(solo.validate, () => validate(i));
      await timed(solo.live, () => live(i));
      await timed(solo.nats, rawNats);
    }
    const soloMemory = msValues(seen.filter((x) => x.tier === 'memory').map((x) => x.serviceMs));
    const uncontended = {
      requests: SOLO,
      validate: pick(msSummary(solo.validate)),
      memory_in_service: { p50_ms: soloMemory.p50_ms, p99_ms: soloMemory.p99_ms },
      health_live: pick(msSummary(solo.live)),
      nats_request: pick(msSummary(solo.nats)),
    };

    const steps: Array<Record<string, unknown>> = [];
    let held: number | null = null;
    const probe = memoryProbe();
    for (const rate of STEPS) {
      await settle();
      log(`step: ${rate}/s for ${STEP_SECONDS} s`);
      seen = [];
      const meter = cpuMeter(pids);
      const pauses = gcPauses();
      const stepFrom = Date.now();
      const run = await openLoop(rate, STEP_SECONDS, validate);
      const stepTo = Date.now();
      if (DIAG) await new Promise((resolve) => setTimeout(resolve, 700)); // the services write their logs every 500 ms
      const cpu = meter();
      const generatorGc = pauses.stop();
      const s = msSummary(run.all);
      const good = run.errors.size === 0 && s.p99_ms <= P99_LIMIT_MS && run.achievedPerS >= 0.95 * rate;
      const memory = msValues(seen.filter((x) => x.tier === 'memory').map((x) => x.serviceMs));
      const policy = msValues(seen.filter((x) => x.tier === 'policy').map((x) => x.serviceMs));
      if (SLOW_FILE) {
        const slow = seen.filter((x) => x.roundTripMs > SLOW_MS).map((x) => JSON.stringify({ rate, at: x.sentAt, rtt: +x.roundTripMs.toFixed(3), svc: x.serviceMs, tier: x.tier }));
        appendFileSync(SLOW_FILE, slow.map((line) => `${line}\n`).join(''));
      }
      steps.push({
        offered_per_s: rate,
        achieved_per_s: run.achievedPerS,
        p50_ms: s.p50_ms,
        p99_ms: s.p99_ms,
        errors: run.offered - run.completed,
        memory_in_service_p50_ms: memory.p50_ms,
        memory_in_service_p99_ms: memory.p99_ms,
        policy_in_service_p50_ms: policy.p50_ms,
        send_lag_p99_ms: sendLag(run).p99_ms,
        over_limit: overLimit(seen, P99_LIMIT_MS),
        generator_gc: generatorGc,
        ...(DIAG ? { services_gc_and_stalls: diagnosticsOf(diagDir, stepFrom, stepTo) } : {}),
        cpu_us_per_validation: cpuPerCall(cpu, Math.max(1, run.completed)),
        held: good,
      });
      if (!good) break;
      held = rate;
    }
    const lookups = probe.stop();

    await settle();
    log(`baseline: raw NATS request (${payload.length} bytes) at ${RATE}/s for ${BASELINE_SECONDS} s`);
    const meterNats = cpuMeter({ 'nats-server': pids['nats-server'] as number, nats_echo: echo.pid });
    const raw = await openLoop(RATE, BASELINE_SECONDS, rawNats);
    const cpuNats = meterNats();

    await settle();
    log(`baseline: GET /health/live at ${RATE}/s for ${BASELINE_SECONDS} s`);
    const meterLive = cpuMeter({ gateway: pids['gateway'] as number });
    const liveRun = await openLoop(RATE, BASELINE_SECONDS, live);
    const cpuLive = meterLive();

    await settle();
    log(`fixed rate: ${RATE} validations/s for ${SECONDS} s`);
    seen = [];
    const meter = cpuMeter(pids);
    const fixed = await openLoop(RATE, SECONDS, validate);
    const cpu = meter();
    pool.close();

    const result = {
      bench: 'speed-layer',
      agents: AGENTS,
      connections: SOCKETS,
      request_timeout_ms: TIMEOUT_MS,
      mix_per_mille: MIX,
      fixed: summarise(fixed, seen, RATE, SECONDS),
      targets: targetsOf(fixed, seen, RATE),
      [p99UnderKey('highest_rate_held', P99_LIMIT_MS)]: held,
      steps,
      uncontended,
      ratio_uncontended_p50_vs_live: ratio(uncontended.validate.p50_ms, uncontended.health_live.p50_ms),
      cpu_s_fixed_phase: cpu,
      cpu_us_per_validation: cpuPerCall(cpu, Math.max(1, fixed.completed)),
      ratio_p50_vs_live: ratio(msSummary(fixed.all).p50_ms, msSummary(liveRun.all).p50_ms),
      ratio_p99_vs_live: ratio(msSummary(fixed.all).p99_ms, msSummary(liveRun.all).p99_ms),
      ratio_p50_vs_nats: ratio(msSummary(fixed.all).p50_ms, msSummary(raw.all).p50_ms),
      policy_tier_cold: policyTier,
      hook_process: hook,
      baseline: {
        parse_only: policyTier?.['baseline_parse_only'] ?? null,
        node_e_0: hook?.['baseline_node_e_0'] ?? null,
        memory_lookup_in_load_generator_during_steps: lookups,
        health_live: { offered_per_s: RATE, achieved_per_s: liveRun.achievedPerS, ...pick(msSummary(liveRun.all)), errors: errorsOf(liveRun), send_lag: sendLag(liveRun), gateway_cpu_us_per_request: cpuPerCall(cpuLive, Math.max(1, liveRun.completed))['gateway'] },
        nats_request: { payload_bytes: payload.length, offered_per_s: RATE, achieved_per_s: raw.achievedPerS, ...pick(msSummary(raw.all)), errors: errorsOf(raw), cpu_us_per_request: cpuPerCall(cpuNats, raw.completed) },
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await nc.close().catch(() => undefined);
    await echo.stop();
    await stack.stop();
    await redis.stop();
    if (PROFILE) log(`CPU profiles in ${profileDir}`);
  }
}

/**
 * The memory tier's own code (request-key cache, then memory tier: what the service times as a
 * memory hit, with the answer's id) timed in this process every 2 ms: the
 * same work on the same loaded machine at the same moment, for the in-service memory figure
 * (it runs through the steps: at the fixed rate the generator's own event loop is the limit).
 */
function memoryProbe() {
  const keys = new RequestKeyCache(10_000);
  const memory = new MemoryTier({ max: 10_000, namespace: 'bench:' });
  REPEATS.forEach((command, i) => {
    keys.set(RequestKeyCache.rawKeyOf('Bash', CWD, { command }), `key-${i}`);
    memory.set(`key-${i}`, { decision: 'allow', source: 'policy', reason: 'bench' });
  });
  const samples: number[] = [];
  let i = 0;
  const timer = setInterval(() => {
    const started = performance.now();
    const key = keys.get(RequestKeyCache.rawKeyOf('Bash', CWD, { command: REPEATS[i++ % REPEATS.length] as string }));
    const hit = key === undefined ? undefined : memory.get(key);
    const answer = { decisionId: randomUUID(), decision: hit?.decision, tier: 'memory', reason: hit?.reason, latencyMs: 0 };
    answer.latencyMs = performance.now() - started;
    samples.push(answer.latencyMs);
  }, 2);
  return {
    stop: () => {
      clearInterval(timer);
      const s = msValues(samples);
      return { p50_ms: s.p50_ms, p99_ms: s.p99_ms, max_ms: s.max_ms, n: s.n };
    },
  };
}

/**
 * Where the validations slower than `limitMs` (from when they went out) spent it: mostly inside the
 * speed layer (its own latencyMs: decision and journal acknowledgement) or outside (generator,
 * gateway, NATS hops, scheduling).
 */
function overLimit(seen: Seen[], limitMs: number) {
  const slow = seen.filter((x) => x.roundTripMs > limitMs);
  return { n: slow.length, mostly_in_service: slow.filter((x) => x.serviceMs > x.roundTripMs / 2).length };
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak_callbacks' };

/** This process's GC pauses while a step runs (every one of them delays the answers the generator is timing). */
function gcPauses() {
  const pauses: number[] = [];
  const kinds: Record<string, number> = {};
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push(entry.duration);
      const kind = GC_KINDS[(entry as unknown as { detail?: { kind?: number } | null }).detail?.kind ?? 0] ?? 'other';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      observer.disconnect();
      const r = (x: number) => Math.round(x * 1000) / 1000;
      return { n: pauses.length, kinds, total_ms: r(pauses.reduce((a, b) => a + b, 0)), max_ms: r(pauses.reduce((a, b) => Math.max(a, b), 0)) };
    },
  };
}

const pick = (s: { p50_ms: number; p95_ms?: number; p99_ms: number; max_ms: number; n: number }) => ({ p50_ms: s.p50_ms, p99_ms: s.p99_ms, max_ms: s.max_ms, n: s.n });

function summarise(run: OpenLoopRun, seen: Seen[], rate: number, seconds: number) {
  const byTier: Record<string, unknown> = {};
  const tiers = new Set(seen.map((s) => s.tier));
  for (const tier of tiers) {
    const e2e = [...run.byTag].filter(([tag]) => tag.endsWith(`:${tier}`)).flatMap(([, ns]) => ns);
    const service = msValues(seen.filter((s) => s.tier === tier).map((s) => s.serviceMs));
    byTier[tier] = { n: e2e.length, end_to_end: pick(msSummary(e2e)), in_service: { p50_ms: service.p50_ms, p99_ms: service.p99_ms, max_ms: service.max_ms } };
  }
  const byCategory: Record<string, unknown> = {};
  for (const category of ['repeat', 'new', 'dangerous'] as const) {
    const e2e = [...run.byTag].filter(([tag]) => tag.startsWith(`${category}:`)).flatMap(([, ns]) => ns);
    const mine = seen.filter((s) => s.category === category);
    const tally = (key: 'tier' | 'decision') => mine.reduce<Record<string, number>>((t, s) => ((t[s[key]] = (t[s[key]] ?? 0) + 1), t), {});
    byCategory[category] = { ...pick(msSummary(e2e)), tiers: tally('tier'), decisions: tally('decision') };
  }
  return {
    offered_per_s: rate,
    seconds,
    achieved_per_s: run.achievedPerS,
    end_to_end: pick(msSummary(run.all)),
    errors: errorsOf(run),
    by_tier: byTier,
    by_category: byCategory,
    send_lag: sendLag(run),
  };
}

function targetsOf(run: OpenLoopRun, seen: Seen[], rate: number) {
  const memory = msValues(seen.filter((s) => s.tier === 'memory').map((s) => s.serviceMs));
  const e2e = msSummary(run.all);
  return {
    [p99UnderKey('memory_tier_in_service', TARGETS.memoryTierP99Ms)]: { p99_ms: memory.p99_ms, met: memory.p99_ms < TARGETS.memoryTierP99Ms },
    [`${p99UnderKey('end_to_end', P99_LIMIT_MS)}_at_rate`]: { p99_ms: e2e.p99_ms, met: e2e.p99_ms < P99_LIMIT_MS && run.errors.size === 0 && run.achievedPerS >= 0.95 * rate },
  };
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
