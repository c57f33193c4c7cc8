import { percentile } from '../../bench/stats';
import { fmtMs } from './format';
import { histogramCount, histogramQuantileMs, shareWithinMs, type Histogram } from './histogram';
import type { ProcPoint, ProcSeries } from '@lighthouse/testing';
import type { NatsCounters } from './nats-traffic';
import type { Sample } from './recorder';
import type { ErrorRow, LoadResult, OperationResult, ProcessResult, TargetResult } from './result';
import { targetOperations, type Scenario, type Target } from './scenario';

export interface RunFacts {
  scenario: Scenario;
  samples: readonly Sample[];
  decisions: LoadResult['decisions'];
  /** Statuses each operation expects (the rest are errors). */
  expected: (op: string) => readonly number[];
  run: LoadResult['run'];
  startedAt: string;
  finishedAt: string;
  /** The event store's append histogram over the run, when its metrics could be read. */
  appends?: { histogram: Histogram; series: Array<{ t: number; n: number; p95Ms: number }> };
  processes: ProcSeries[];
  /** Each process's CPU (% of a core) while idle just before the run, subtracted from its cost. */
  idleCpuPct?: Record<string, number>;
  /** What each NATS connection published and was delivered over the run (a private NATS only). */
  nats?: Record<string, NatsCounters>;
  /** The driver's event-loop delay over the run, when measured. */
  driver?: LoadResult['driver'];
}

const PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 100];
const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0);
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The figures of a run, from its samples and samplers. Pure: the same facts give the same result. */
export function summarize(facts: RunFacts): LoadResult {
  const byOp = groupBy(facts.samples, (s) => s.op);
  const baseline = sorted(byOp.get('baseline.live') ?? []);
  const baselineP99 = baseline.length > 0 ? percentile(baseline, 99) : Number.NaN;
  const bucketS = Math.max(1, Math.ceil(facts.run.durationS / 120));
  const operations = Object.entries(facts.scenario.operations)
    .filter(([op]) => byOp.has(op))
    .map(([op, meta]) => operationResult(op, meta, byOp.get(op) as Sample[], facts, baselineP99, bucketS));
  const errors = errorRows(facts.samples, facts.expected);
  const processes = facts.processes.map((p) => processResult(p, facts.scenario.memoryLimitsMiB[p.name] ?? null));
  const eventStore = facts.appends ? appendFigures(facts.appends) : null;
  const cost = costFigures(facts);
  const partial: Omit<LoadResult, 'targets'> = {
    tool: 'lighthouse-load',
    version: 1,
    startedAt: facts.startedAt,
    finishedAt: facts.finishedAt,
    run: facts.run,
    operations,
    throughput: throughput(facts.samples, bucketS),
    errors: {
      unexpected: errors.filter((e) => !e.deliberate).reduce((sum, e) => sum + e.n, 0),
      deliberate: errors.filter((e) => e.deliberate).reduce((sum, e) => sum + e.n, 0),
      rows: errors,
    },
    decisions: facts.decisions,
    eventStore,
    processes,
    stack: stackFigures(facts.processes),
    cost,
    nats: natsFigures(facts, cost),
    driver: facts.driver ?? null,
  };
  return { ...partial, targets: facts.scenario.targets.map((t) => evaluate(t, partial, facts)) };
}

function operationResult(op: string, meta: Scenario['operations'][string], samples: Sample[], facts: RunFacts, baselineP99: number, bucketS: number): OperationResult {
  const ms = sorted(samples);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const expected = facts.expected(op);
  const p99 = percentile(ms, 99);
  return {
    op,
    method: meta.method,
    route: meta.route,
    longPoll: meta.longPoll ?? false,
    derived: meta.derived ?? false,
    n: samples.length,
    okN: samples.filter((s) => expected.includes(s.status)).length,
    perS: r1(samples.length / facts.run.durationS),
    p50: r3(percentile(ms, 50)),
    p95: r3(percentile(ms, 95)),
    p99: r3(p99),
    max: r3(ms[ms.length - 1] as number),
    mean: r3(ms.reduce((a, b) => a + b, 0) / ms.length),
    p99VsBaseline: Number.isFinite(baselineP99) && baselineP99 > 0 ? Math.round((p99 / baselineP99) * 100) / 100 : null,
    statuses,
    percentiles: PERCENTILES.map((p) => [p, r3(p === 0 ? (ms[0] as number) : percentile(ms, p))]),
    series: [...groupBy(samples, (s) => Math.floor(s.t / 1000 / bucketS) * bucketS)]
      .sort(([a], [b]) => a - b)
      .map(([t, group]) => {
        const g = sorted(group);
        return { t, n: g.length, p50: r3(percentile(g, 50)), p95: r3(percentile(g, 95)), p99: r3(percentile(g, 99)) };
      }),
  };
}

function errorRows(samples: readonly Sample[], expected: (op: string) => readonly number[]): Array<ErrorRow & { deliberate: boolean }> {
  const rows = new Map<string, ErrorRow & { deliberate: boolean }>();
  for (const s of samples) {
    const ok = expected(s.op).includes(s.status);
    if (ok && s.status < 400) continue;
    const code = s.code ?? (s.status === 0 ? 'NO_ANSWER' : '-');
    const key = `${s.op}|${s.status}|${code}`;
    const row = rows.get(key) ?? { op: s.op, status: s.status, code, n: 0, deliberate: ok };
    row.n += 1;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => Number(a.deliberate) - Number(b.deliberate) || b.n - a.n);
}

function throughput(samples: readonly Sample[], bucketS: number): LoadResult['throughput'] {
  const counts = new Map<number, number>();
  for (const s of samples) {
    if (s.op === 'delegation.round_trip') continue; // not a request of its own
    const t = Math.floor((s.t + s.ms) / 1000 / bucketS) * bucketS;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a - b).map(([t, n]) => ({ t, n: r1(n / bucketS) }));
}

function processResult(p: ProcSeries, limitMiB: number | null): ProcessResult {
  const cpu = p.points.map((x) => x.cpuPct);
  return {
    name: p.name,
    pid: p.pid,
    limitMiB,
    peakRssMiB: Math.max(0, ...p.points.map((x) => x.rssMiB)),
    meanCpuPct: r1(cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length)),
    peakCpuPct: Math.max(0, ...cpu),
    series: p.points.map((x) => ({ t: r1(x.t / 1000), cpuPct: x.cpuPct, rssMiB: x.rssMiB })),
  };
}

/** The whole stack's peak RSS (summed sample by sample) and mean CPU, the load driver left out. */
function stackFigures(processes: ProcSeries[]): LoadResult['stack'] {
  const stack = processes.filter(isStackProcess);
  if (stack.length === 0 || stack.every((p) => p.points.length === 0)) return null;
  const samples = Math.max(...stack.map((p) => p.points.length));
  let peak = 0;
  for (let i = 0; i < samples; i++) peak = Math.max(peak, stack.reduce((sum, p) => sum + (p.points[i]?.rssMiB ?? 0), 0));
  const meanCpu = stack.reduce((sum, p) => sum + p.points.reduce((a, x) => a + x.cpuPct, 0) / Math.max(1, p.points.length), 0);
  return { peakRssMiB: r1(peak), meanCpuPct: r1(meanCpu) };
}

/**
 * A process of the stack, whose CPU is the bridge's: not the driver, and not a server other
 * users share (a Redis found running serves other programs too: its CPU is shown, not counted).
 */
const isStackProcess = (p: ProcSeries): boolean => p.name !== 'load-driver' && !p.name.endsWith('(shared)');

/**
 * CPU-seconds of each process above its idle use over the span it was sampled (the sampler runs
 * from before the first agent to after the last answer, longer than the nominal duration), over
 * the agents' requests (the baseline probe is the driver's instrument, not a request of the mix).
 */
function costFigures(facts: RunFacts): LoadResult['cost'] {
  const stack = facts.processes.filter((p) => isStackProcess(p) && p.points.length > 0);
  const requests = facts.samples.filter((s) => s.op !== 'delegation.round_trip' && s.op !== 'baseline.live').length;
  if (stack.length === 0 || requests === 0) return null;
  const idle = facts.idleCpuPct ?? {};
  const seconds = (p: ProcSeries) => {
    let cpu = 0;
    let span = 0;
    p.points.forEach((x, i) => {
      // The first point covers one sampling interval (the sampler's first reading has no point).
      const dt = i === 0 ? (p.points.length > 1 ? ((p.points[1] as ProcPoint).t - x.t) / 1000 : facts.run.durationS) : (x.t - (p.points[i - 1] as ProcPoint).t) / 1000;
      cpu += (x.cpuPct / 100) * dt;
      span += dt;
    });
    return Math.max(0, cpu - ((idle[p.name] ?? 0) / 100) * span);
  };
  const byProcess = Object.fromEntries(stack.map((p) => [p.name, r3((seconds(p) * 1000) / requests)]));
  const stackCpuSeconds = stack.reduce((sum, p) => sum + seconds(p), 0);
  const cpuMsPerRequest = (stackCpuSeconds * 1000) / requests;
  return {
    requests,
    stackCpuSeconds: r1(stackCpuSeconds),
    cpuMsPerRequest: r3(cpuMsPerRequest),
    byProcess,
    idleCpuPct: idle,
    projectedMaxPerSecond: Math.round((facts.run.machine.cpus * 1000) / cpuMsPerRequest),
  };
}

/** NATS messages per request of the agents: published, delivered, bytes both ways; by connection. */
function natsFigures(facts: RunFacts, cost: LoadResult['cost']): LoadResult['nats'] {
  if (!facts.nats || !cost) return null;
  const per = (x: number) => r3(x / cost.requests);
  const all = Object.values(facts.nats);
  const sum = (f: (c: NatsCounters) => number) => all.reduce((a, c) => a + f(c), 0);
  return {
    publishedPerRequest: per(sum((c) => c.inMsgs)),
    deliveredPerRequest: per(sum((c) => c.outMsgs)),
    bytesPerRequest: Math.round(sum((c) => c.inBytes + c.outBytes) / cost.requests),
    byConnection: Object.fromEntries(Object.entries(facts.nats).map(([name, c]) => [name, { published: per(c.inMsgs), delivered: per(c.outMsgs) }])),
  };
}

function appendFigures(appends: NonNullable<RunFacts['appends']>): LoadResult['eventStore'] {
  const h = appends.histogram;
  return {
    appends: histogramCount(h),
    p50Ms: r3(histogramQuantileMs(h, 0.5)),
    p95Ms: r3(histogramQuantileMs(h, 0.95)),
    p99Ms: r3(histogramQuantileMs(h, 0.99)),
    shareWithin10ms: r3(shareWithinMs(h, 10)),
    series: appends.series.map((p) => ({ ...p, t: r1(p.t / 1000) })),
  };
}

function evaluate(target: Target, result: Omit<LoadResult, 'targets'>, facts: RunFacts): TargetResult {
  const base = { id: target.id, title: target.title };
  if (target.source === 'event-store') return appendTarget(target, result.eventStore);
  if (target.source === 'errors') {
    const worst = result.errors.rows.filter((r) => !r.deliberate).slice(0, 3);
    return {
      ...base,
      limit: `≤ ${target.max ?? 0} unexpected`,
      value: `${result.errors.unexpected} unexpected, ${result.errors.deliberate} deliberate 4xx`,
      pass: result.errors.unexpected <= (target.max ?? 0),
      ...(worst.length > 0 ? { detail: worst.map((r) => `${r.op} ${r.status} ${r.code} ×${r.n}`).join('; ') } : {}),
    };
  }
  if (target.source === 'memory') return memoryTarget(target, result);
  const stat = target.stat ?? 'p99';
  const q = Number(stat.slice(1));
  const limit = `${stat} < ${target.maxMs} ms`;
  const ops = targetOperations(facts.scenario, target).filter((op) => result.operations.some((o) => o.op === op));
  if (ops.length === 0) return { ...base, limit, value: 'n/a', pass: null, detail: 'no samples of these operations' };
  if (target.ops === 'every-gateway-call') {
    const each = ops.map((op) => ({ op, ms: percentile(sorted(facts.samples.filter((s) => s.op === op)), q) }));
    const worst = each.reduce((a, b) => (b.ms > a.ms ? b : a));
    const over = each.filter((e) => e.ms >= (target.maxMs as number));
    return { ...base, limit, value: `worst ${worst.op} ${fmtMs(worst.ms)} ms`, pass: over.length === 0, ...(over.length > 0 ? { detail: `over: ${over.map((e) => `${e.op} ${fmtMs(e.ms)} ms`).join(', ')}` } : {}) };
  }
  const ms = percentile(sorted(facts.samples.filter((s) => ops.includes(s.op))), q);
  return { ...base, limit, value: `${fmtMs(ms)} ms`, pass: ms < (target.maxMs as number) };
}

function appendTarget(target: Target, store: LoadResult['eventStore']): TargetResult {
  const limit = `${target.stat ?? 'p95'} < ${target.maxMs} ms`;
  if (!store || store.appends === 0) {
    return { id: target.id, title: target.title, limit, value: 'n/a', pass: null, detail: "the event store's metrics were not readable (remote run without --event-store-metrics)" };
  }
  // 10 ms is a bucket bound of the histogram, so "95 % within 10 ms" is exact; the p95 shown is interpolated.
  const share = store.shareWithin10ms;
  const pass = target.maxMs === 10 && Number.isFinite(share) ? share >= 0.95 : store.p95Ms < (target.maxMs as number);
  return { id: target.id, title: target.title, limit, value: `≈${fmtMs(store.p95Ms)} ms (${r1(share * 100)} % within 10 ms, ${store.appends} appends)`, pass };
}

function memoryTarget(target: Target, result: Omit<LoadResult, 'targets'>): TargetResult {
  const limited = result.processes.filter((p) => p.limitMiB !== null);
  if (limited.length === 0 || !result.stack) {
    return { id: target.id, title: target.title, limit: 'Helm limits', value: 'n/a', pass: null, detail: 'no process of the stack was sampled (remote run)' };
  }
  const over = limited.filter((p) => p.peakRssMiB > (p.limitMiB as number));
  const tightest = limited.reduce((a, b) => (b.peakRssMiB / (b.limitMiB as number) > a.peakRssMiB / (a.limitMiB as number) ? b : a));
  return {
    id: target.id,
    title: target.title,
    limit: 'each ≤ its limit',
    value: `stack peak ${result.stack.peakRssMiB} MiB; tightest ${tightest.name} ${tightest.peakRssMiB}/${tightest.limitMiB} MiB`,
    pass: over.length === 0,
    ...(over.length > 0 ? { detail: `over: ${over.map((p) => `${p.name} ${p.peakRssMiB}/${p.limitMiB} MiB`).join(', ')}` } : {}),
  };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const sorted = (samples: readonly Sample[]): number[] => samples.map((s) => s.ms).sort((a, b) => a - b);
