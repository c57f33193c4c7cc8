import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { VirtualAgent, roleOf, type AgentRun } from './agents';
import type { LoadOptions } from './cli';
import { ConsoleWatch, type ConsoleFigures } from './console-watch';
import { EventStoreMetrics } from './event-store-metrics';
import { GatewayClient } from './gateway-client';
import { natsCounters, trafficBetween, type NatsCounters } from './nats-traffic';
import { startLocalStack, type LocalStack } from './local-stack';
import { childrenNamed, idleCpu, ProcSampler } from '@lighthouse/testing';
import { Recorder } from './recorder';
import type { LoadResult } from './result';
import { expertCount, operationOf, type Scenario } from './scenario';
import { summarize } from './summarize';

export interface RunContext {
  repo: string;
  log: (line: string) => void;
  /** The command line, for the report. */
  command: string;
  /** Ends the run early (Ctrl-C): agents stop, the report covers what ran. */
  signal?: AbortSignal;
  /** Told the console's figures when the run kept browsers on it (`--browsers`). */
  onConsole?: (figures: ConsoleFigures) => void;
}

/** Long polls still open this long after the end are cut (their samples are not counted). */
const GRACE_MS = 1500;

/**
 * One load run: the stack (started here, or the given gateway), credentials for every agent,
 * then the agents for the duration, with the baseline probe, the /proc sampler and the event
 * store's metrics alongside; everything started here is stopped before it returns.
 */
export async function runLoad(options: LoadOptions, scenario: Scenario, context: RunContext): Promise<LoadResult> {
  const stack = options.url ? undefined : await startLocalStack({ repo: context.repo, log: context.log });
  try {
    const gatewayUrl = options.url ?? (stack as LocalStack).gatewayUrl;
    const adminSecret = options.adminSecret ?? (stack as LocalStack).adminSecret;
    return await drive(options, scenario, context, gatewayUrl, adminSecret, stack);
  } finally {
    await stack?.stop();
  }
}

async function drive(options: LoadOptions, scenario: Scenario, context: RunContext, gatewayUrl: string, adminSecret: string, stack?: LocalStack): Promise<LoadResult> {
  const runId = randomBytes(3).toString('hex');
  const client = new GatewayClient(gatewayUrl);
  const ids = Array.from({ length: options.agents }, (_, i) => `${scenario.agents.idPrefix}-${runId}-${String(i).padStart(5, '0')}`);
  context.log(`issuing ${ids.length} credentials at ${gatewayUrl}`);
  const credentials = await issueAll(client, adminSecret, ids, scenario.agents.expertRoles);
  const processes = await processesOf(stack);
  const idle = stack ? await idleCpu(processes) : {};
  const expected = expectations(scenario);
  const recorder = new Recorder();
  const startedAt = new Date().toISOString();
  const loadAvgStart = loadavg();
  const rampUpS = options.rampUpS ?? Math.min(scenario.agents.rampUpSeconds, options.durationS / 10);
  let halt = () => undefined as void;
  const halted = new Promise<void>((resolve) => (halt = resolve));
  const run: AgentRun = {
    halted,
    scenario: options.think ? { ...scenario, agents: { ...scenario.agents, thinkSeconds: options.think } } : scenario,
    client,
    recorder,
    runId,
    endsAt: options.durationS * 1000,
    rampUpMs: rampUpS * 1000,
  };
  const experts = expertCount(scenario, ids.length);
  const agents = ids.map((id, i) => new VirtualAgent(run, id, credentials[i] as string, i < experts ? roleOf(scenario, i) : undefined));
  const sampler = new ProcSampler(processes, () => recorder.now());
  const storeUrl = options.eventStoreMetrics ?? stack?.eventStoreMetricsUrl;
  const store = storeUrl ? new EventStoreMetrics(storeUrl, () => recorder.now()) : undefined;
  await store?.start().catch((error: Error) => context.log(`event store metrics not readable (${error.message}): append target n/a`));
  const watch = options.browsers > 0 ? await ConsoleWatch.start({ gatewayUrl, adminSecret, browsers: options.browsers, client, runId }) : undefined;
  if (watch) context.log(`${options.browsers} console page(s) open on the timeline`);
  const natsBefore = await readNats(stack, context);
  sampler.start();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  context.log(`${ids.length} agents (${experts} experts) for ${options.durationS} s, sessions over the first ${rampUpS} s`);
  const progress = setInterval(() => context.log(`${Math.round(recorder.now() / 1000)} s: ${recorder.samples.length} requests`), 10_000);
  let cut = setTimeout(() => client.close(), run.endsAt + GRACE_MS);
  context.signal?.addEventListener('abort', () => {
    run.endsAt = Math.min(run.endsAt, recorder.now());
    halt();
    clearTimeout(cut);
    cut = setTimeout(() => client.close(), GRACE_MS);
  });
  try {
    await Promise.all([...agents.map((a) => a.live()), probe(run), watch?.run(() => recorder.now() >= run.endsAt)]);
    if (watch) context.onConsole?.(watch.figures(ids.length, Math.round(run.endsAt) / 1000));
  } finally {
    await watch?.stop();
    clearTimeout(cut);
    clearInterval(progress);
    client.close();
    sampler.stop();
    loop.disable();
  }
  const natsAfter = natsBefore ? await readNats(stack, context) : undefined;
  const appends = await store?.stop();
  return summarize({
    scenario: run.scenario,
    samples: recorder.samples,
    decisions: recorder.decisions,
    expected,
    startedAt,
    finishedAt: new Date().toISOString(),
    run: {
      mode: stack ? 'local' : 'remote',
      gatewayUrl,
      agents: ids.length,
      experts,
      durationS: Math.round(run.endsAt) / 1000,
      rampUpS,
      thinkSeconds: run.scenario.agents.thinkSeconds,
      command: context.command,
      machine: { cpus: cpus().length, loadAvgStart, loadAvgEnd: loadavg(), node: process.version },
    },
    ...(appends && store ? { appends: { histogram: appends, series: store.points } } : {}),
    processes: sampler.series,
    idleCpuPct: idle,
    ...(natsBefore && natsAfter ? { nats: trafficBetween(natsBefore, natsAfter) } : {}),
    driver: { loopDelayP50Ms: ns2ms(loop.percentile(50)), loopDelayP99Ms: ns2ms(loop.percentile(99)), loopDelayMaxMs: ns2ms(loop.max) },
  });
}

/** The private NATS's counters by connection, when the stack is ours and its monitoring answers. */
async function readNats(stack: LocalStack | undefined, context: RunContext): Promise<Map<string, NatsCounters> | undefined> {
  if (!stack?.natsMonitorUrl) return undefined;
  return natsCounters(stack.natsMonitorUrl).catch((error: Error) => {
    context.log(`NATS monitoring not readable (${error.message}): messages per request n/a`);
    return undefined;
  });
}

const ns2ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** Statuses that are not errors, by operation: the mix's `expect`, else 2xx. */
export function expectations(scenario: Scenario): (op: string) => readonly number[] {
  const byOp = new Map<string, number[]>();
  for (const entry of scenario.mix) byOp.set(operationOf(entry), entry.expect);
  return (op) => byOp.get(op) ?? [200, 201];
}

/** The same machine's noise, measured beside the load: GET /health/live at a fixed rate. */
async function probe(run: AgentRun): Promise<void> {
  const perS = run.scenario.baselineProbePerSecond;
  if (perS <= 0) return;
  const every = 1000 / perS;
  while (run.recorder.now() < run.endsAt) {
    const next = run.recorder.now() + every;
    await run.recorder.time('baseline.live', () => run.client.plain('GET', '/health/live', { timeoutMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - run.recorder.now())));
  }
}

/**
 * Credentials for every agent through POST /admin/agents, 50 at a time, retrying when told to.
 * Each is granted the scenario's expert roles, so whichever agents become experts may register.
 */
async function issueAll(client: GatewayClient, adminSecret: string, ids: string[], roles: string[]): Promise<string[]> {
  const credentials: string[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    credentials.push(...(await Promise.all(ids.slice(i, i + 50).map((id) => issue(client, adminSecret, id, roles)))));
  }
  return credentials;
}

async function issue(client: GatewayClient, adminSecret: string, agentId: string, roles: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const reply = await client.plain<{ credential: string }>('POST', '/admin/agents', { bearer: adminSecret, body: { agentId, roles } });
    if (reply.status === 201) return reply.body.credential;
    if (attempt >= 5 || (reply.status !== 429 && reply.status !== 503)) {
      throw new Error(`issuing a credential for ${agentId}: ${reply.status} ${reply.failure ?? JSON.stringify(reply.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, (reply.retryAfterS ?? 1) * 1000));
  }
}

/** Every process to sample: the services, the NATS and Redis we started, and this driver. */
async function processesOf(stack?: LocalStack): Promise<Array<{ name: string; pid: number }>> {
  const own = { name: 'load-driver', pid: process.pid };
  if (!stack) return [own];
  const services = Object.entries(stack.pids).map(([name, pid]) => ({ name, pid }));
  const infra = childrenNamed(process.pid, ['nats-server', 'redis-server']);
  if (!infra.some((p) => p.name === 'redis-server')) {
    const shared = await sharedRedisPid(stack.redisUrl);
    if (shared) infra.push({ name: 'redis-server (shared)', pid: shared });
  }
  return [...services, ...infra, own];
}

/** The pid of a Redis on this machine we did not start (its whole RSS, other users' data included). */
async function sharedRedisPid(url: string): Promise<number | undefined> {
  if (!/\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return undefined;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
