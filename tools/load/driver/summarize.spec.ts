import { join } from 'node:path';
import type { Sample } from './recorder';
import { loadScenario } from './scenario';
import { summarize, type RunFacts } from './summarize';
import { expectations } from './load-run';

const scenario = loadScenario(join(__dirname, '..', '..', '..'));

/** `n` samples of `op`, one every 10 ms, with latencies given by `ms(i)`. */
const samples = (op: string, n: number, ms: (i: number) => number, status = 200, code?: string): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ op, t: i * 10, ms: ms(i), status, ...(code ? { code } : {}) }));

function facts(all: Sample[], extra: Partial<RunFacts> = {}): RunFacts {
  return {
    scenario,
    samples: all,
    decisions: {},
    expected: expectations(scenario),
    startedAt: '2026-11-27T00:00:00.000Z',
    finishedAt: '2026-11-27T00:00:10.000Z',
    run: {
      mode: 'local',
      gatewayUrl: 'http://127.0.0.1:1',
      agents: 10,
      experts: 1,
      durationS: 10,
      rampUpS: 1,
      thinkSeconds: { min: 1, max: 5 },
      command: 'npm run load -- --agents 10',
      machine: { cpus: 2, loadAvgStart: [1, 1, 1], loadAvgEnd: [1, 1, 1], node: 'v20' },
    },
    processes: [],
    ...extra,
  };
}

const target = (result: ReturnType<typeof summarize>, id: string) => result.targets.find((t) => t.id === id);

describe('summarize', () => {
  it('gives nearest-rank percentiles per operation and its p99 against the baseline probe', () => {
    const result = summarize(facts([...samples('validate.repeat', 100, (i) => i + 1), ...samples('baseline.live', 100, () => 2)]));
    const validate = result.operations.find((o) => o.op === 'validate.repeat');
    expect(validate).toMatchObject({ n: 100, okN: 100, p50: 50, p95: 95, p99: 99, max: 100, perS: 10, p99VsBaseline: 49.5 });
    expect(validate?.series.length).toBeGreaterThan(0);
    expect(validate?.percentiles.at(-1)).toEqual([100, 100]);
  });

  it('passes a latency target under its limit and fails one at or over it', () => {
    const fast = summarize(facts([...samples('validate.repeat', 100, () => 3), ...samples('validate.new', 100, () => 9)]));
    expect(target(fast, 'validate_p99')).toMatchObject({ pass: true, value: '9.00 ms' });
    const slow = summarize(facts([...samples('validate.repeat', 100, () => 3), ...samples('validate.dangerous', 10, () => 10)]));
    expect(target(slow, 'validate_p99')).toMatchObject({ pass: false, value: '10.0 ms' });
  });

  it('judges every gateway call by its own p99 and names the worst, leaving long polls out', () => {
    const result = summarize(facts([...samples('heartbeat', 100, () => 5), ...samples('experts.list', 100, () => 150), ...samples('delegation.next', 10, () => 5000)]));
    expect(target(result, 'gateway_call_p99')).toMatchObject({ pass: false, value: 'worst experts.list 150 ms', detail: 'over: experts.list 150 ms' });
  });

  it('tells deliberate 4xx from errors', () => {
    const result = summarize(facts([...samples('delegation.get_gone', 5, () => 2, 404, 'NOT_FOUND'), ...samples('validate.new', 3, () => 2, 429, 'RATE_LIMITED')]));
    expect(result.errors).toMatchObject({ unexpected: 3, deliberate: 5 });
    expect(result.errors.rows[0]).toEqual({ op: 'validate.new', status: 429, code: 'RATE_LIMITED', n: 3, deliberate: false });
    expect(target(result, 'no_errors')).toMatchObject({ pass: false, detail: 'validate.new 429 RATE_LIMITED ×3' });
  });

  it("measures appends from the event store's histogram, exactly at the 10 ms bound", () => {
    const histogram = { bounds: [0.005, 0.01, Infinity], counts: [80, 95, 100] };
    const result = summarize(facts([], { appends: { histogram, series: [{ t: 1000, n: 100, p95Ms: 10 }] } }));
    expect(result.eventStore).toMatchObject({ appends: 100, shareWithin10ms: 0.95 });
    expect(target(result, 'event_append_p95')?.pass).toBe(true);
    const worse = summarize(facts([], { appends: { histogram: { ...histogram, counts: [80, 94, 100] }, series: [] } }));
    expect(target(worse, 'event_append_p95')?.pass).toBe(false);
  });

  it('marks what a run could not measure as n/a, not as a pass', () => {
    const result = summarize(facts(samples('heartbeat', 10, () => 1)));
    expect(target(result, 'event_append_p95')).toMatchObject({ pass: null, value: 'n/a' });
    expect(target(result, 'stack_memory')).toMatchObject({ pass: null, value: 'n/a' });
    expect(target(result, 'delegation_round_trip_p99')).toMatchObject({ pass: null });
  });

  it('holds each process to its Helm limit and sums the stack sample by sample, the driver left out', () => {
    const points = (rss: number[]) => rss.map((rssMiB, i) => ({ t: i * 1000, cpuPct: 10, rssMiB }));
    const processes = [
      { name: 'gateway', pid: 1, points: points([100, 300, 200]) },
      { name: 'event-store', pid: 2, points: points([300, 100, 600]) },
      { name: 'load-driver', pid: 3, points: points([900, 900, 900]) },
    ];
    const result = summarize(facts(samples('heartbeat', 10, () => 1), { processes, idleCpuPct: { gateway: 4 } }));
    expect(result.stack).toEqual({ peakRssMiB: 800, meanCpuPct: 20 });
    // 3 s sampled at 10 % of a core is 0.3 CPU-second; the gateway's 4 % idle share is not the requests' doing.
    expect(result.cost).toMatchObject({ requests: 10, byProcess: { gateway: 18, 'event-store': 30 }, cpuMsPerRequest: 48, projectedMaxPerSecond: 42 });
    expect(target(result, 'stack_memory')).toMatchObject({ pass: false, detail: 'over: event-store 600/512 MiB' });
  });

  it('counts CPU over the span sampled, not the nominal duration, and leaves out the driver, a shared Redis and the baseline probe', () => {
    // Sampled every second for 12 s of a 10 s run (the tail of the last answers); 50 % of a core throughout.
    const points = Array.from({ length: 12 }, (_, i) => ({ t: 500 + i * 1000, cpuPct: 50, rssMiB: 10 }));
    const processes = [
      { name: 'nats-server', pid: 1, points },
      { name: 'redis-server (shared)', pid: 2, points },
      { name: 'load-driver', pid: 3, points },
    ];
    const result = summarize(facts([...samples('validate.repeat', 60, () => 1), ...samples('baseline.live', 50, () => 1)], { processes }));
    // 6 CPU-seconds over the 60 requests of the mix.
    expect(result.cost).toMatchObject({ requests: 60, byProcess: { 'nats-server': 100 }, cpuMsPerRequest: 100 });
    expect(result.stack).toEqual({ peakRssMiB: 10, meanCpuPct: 50 });
  });
});
