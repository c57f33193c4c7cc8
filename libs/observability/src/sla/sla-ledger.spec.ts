import { histogramOf } from './histogram.spec';
import { SlaLedger, type SlaObservation, type ServiceReading } from './sla-ledger';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

/** A bridge whose services report cumulative histograms; each `minute()` adds observations and records a reading. */
function bridge() {
  const ledger = new SlaLedger();
  const seen = { validation: [] as number[], append: [] as number[], api: [] as number[], total: 0, errors: 0 };
  let chain: boolean | null = true;
  let down: string[] = [];
  let memory = 0.3;
  const observe = (at: number): SlaObservation => {
    const services: ServiceReading[] = [
      { service: 'speed-layer', instance: 'speed-1', status: down.includes('speed-layer') ? 'down' : 'up', histograms: { validation: histogramOf(seen.validation) }, memoryRatio: memory },
      { service: 'event-store', instance: 'store-1', status: 'up', histograms: { append: histogramOf(seen.append) }, memoryRatio: 0.2 },
    ];
    return { at, services, gateway: { instance: 'gw-1', routes: { '/sessions': histogramOf(seen.api) }, total: seen.total, errors: seen.errors }, chain };
  };
  return {
    ledger,
    /** One minute of traffic: validations and API calls at these latencies (seconds). */
    minute(at: number, traffic: { validation?: number[]; append?: number[]; api?: number[]; errors?: number } = {}) {
      seen.validation.push(...(traffic.validation ?? Array(100).fill(0.002)));
      seen.append.push(...(traffic.append ?? Array(100).fill(0.002)));
      const api = traffic.api ?? Array(100).fill(0.003);
      seen.api.push(...api);
      seen.total += api.length;
      seen.errors += traffic.errors ?? 0;
      ledger.record(observe(at));
    },
    set: (change: { chain?: boolean | null; down?: string[]; memory?: number }) => {
      if (change.chain !== undefined) chain = change.chain;
      if (change.down) down = change.down;
      if (change.memory !== undefined) memory = change.memory;
    },
  };
}

const statusOf = (ledger: SlaLedger, at: number) => Object.fromEntries(ledger.report(at).slas.map((s) => [s.id, s.status]));

describe('SlaLedger', () => {
  it('every SLA holds on a bridge that keeps its levels; none has data before any reading', () => {
    // given
    const b = bridge();
    expect(new Set(Object.values(statusOf(b.ledger, T0)))).toEqual(new Set(['no-data']));
    // when
    for (let m = 0; m < 10; m++) b.minute(T0 + m * MINUTE + 5_000);
    // then
    const report = b.ledger.report(T0 + 9 * MINUTE + 30_000);
    expect(report.breaches).toEqual([]);
    expect(Object.fromEntries(report.slas.map((s) => [s.id, s.status]))).toEqual({
      'validation-p99': 'holds', 'event-store-write-p95': 'holds', 'shared-view-op-p95': 'no-data', 'api-p99': 'holds',
      'error-rate': 'holds', availability: 'holds', memory: 'holds', 'chain-integrity': 'holds',
    });
  });

  it('validation p99 over 100 ms is at risk at once and a breach after five minutes (the rule\'s for), with its span and worst value', () => {
    // given a good first ten minutes
    const b = bridge();
    for (let m = 0; m < 10; m++) b.minute(T0 + m * MINUTE);
    // when six minutes answer 10% of validations at 400 ms, then it recovers
    for (let m = 10; m < 16; m++) {
      b.minute(T0 + m * MINUTE, { validation: [...Array(90).fill(0.002), ...Array(10).fill(0.4)] });
      if (m === 10) expect(statusOf(b.ledger, T0 + m * MINUTE + 1)['validation-p99']).toBe('at-risk');
    }
    expect(statusOf(b.ledger, T0 + 15 * MINUTE + 1)['validation-p99']).toBe('breached');
    for (let m = 16; m < 30; m++) b.minute(T0 + m * MINUTE);
    // then
    const report = b.ledger.report(T0 + 29 * MINUTE + 1);
    expect(report.slas.find((s) => s.id === 'validation-p99')?.status).toBe('holds');
    expect(report.breaches).toEqual([
      expect.objectContaining({ id: 'validation-p99', from: new Date(T0 + 10 * MINUTE).toISOString(), ongoing: false, worst: expect.any(Number) }),
    ]);
    const breach = report.breaches[0]!;
    expect(breach.worst).toBeGreaterThan(0.25);
    // the 5-minute window keeps the slow minutes in it until 15 + 4
    expect(breach.to).toBe(new Date(T0 + 20 * MINUTE).toISOString());
  });

  it('broken for less than the rule\'s for is never a breach: nine minutes of memory near its limit', () => {
    const b = bridge();
    b.minute(T0);
    b.set({ memory: 0.95 });
    for (let m = 1; m < 10; m++) b.minute(T0 + m * MINUTE);
    b.set({ memory: 0.5 });
    for (let m = 10; m < 15; m++) b.minute(T0 + m * MINUTE);
    const report = b.ledger.report(T0 + 14 * MINUTE);
    expect(report.breaches).toEqual([]);
    expect(report.slas.find((x) => x.id === 'memory')).toMatchObject({ status: 'holds', value: 0.5 });
  });

  it('an API route slower than 100 ms at p99 breaks the API SLA naming the route; long polls and /validate are left aside', () => {
    const b = bridge();
    for (let m = 0; m < 8; m++) b.minute(T0 + m * MINUTE, { api: [...Array(90).fill(0.003), ...Array(10).fill(0.3)] });
    const report = b.ledger.report(T0 + 7 * MINUTE);
    const api = report.slas.find((s) => s.id === 'api-p99');
    expect(api).toMatchObject({ status: 'breached', detail: 'slowest route /sessions' });
    expect(report.breaches.map((x) => x.id)).toContain('api-p99');

    const ledger = new SlaLedger();
    const slow = histogramOf(Array(100).fill(5));
    for (let m = 0; m < 8; m++) {
      const routes = { '/delegations/next': histogramOf(Array((m + 1) * 100).fill(5)), '/validate': histogramOf(Array((m + 1) * 100).fill(5)) };
      ledger.record({ at: T0 + m * MINUTE, services: [], gateway: { instance: 'g', routes, total: (m + 1) * 200, errors: 0 }, chain: null });
    }
    expect(slow.count).toBe(100);
    expect(ledger.report(T0 + 7 * MINUTE).slas.find((s) => s.id === 'api-p99')?.status).toBe('no-data');
  });

  it('5xx answers over 1% of calls break the error-rate SLA', () => {
    const b = bridge();
    for (let m = 0; m < 6; m++) b.minute(T0 + m * MINUTE, { errors: 5 });
    const sla = b.ledger.report(T0 + 5 * MINUTE).slas.find((s) => s.id === 'error-rate');
    expect(sla).toMatchObject({ status: 'breached', value: 0.05, detail: '25 of 500 calls' }); // the last five minutes, as rate(...[5m])
    expect(sla).toMatchObject({ status: 'breached' });
  });

  it('a service down is a breach within its minute; memory near the limit only after ten minutes; a failed chain verification at once', () => {
    const b = bridge();
    b.minute(T0);
    b.set({ down: ['speed-layer'], memory: 0.95, chain: false });
    for (let m = 1; m < 5; m++) b.minute(T0 + m * MINUTE);
    let status = statusOf(b.ledger, T0 + 4 * MINUTE);
    expect(status).toMatchObject({ availability: 'breached', memory: 'at-risk', 'chain-integrity': 'breached' });
    for (let m = 5; m < 12; m++) b.minute(T0 + m * MINUTE);
    status = statusOf(b.ledger, T0 + 11 * MINUTE);
    expect(status['memory']).toBe('breached');
    const report = b.ledger.report(T0 + 11 * MINUTE);
    expect(report.breaches.find((x) => x.id === 'availability')).toMatchObject({ ongoing: true, detail: 'down: speed-layer', from: new Date(T0 + MINUTE).toISOString() });
    expect(report.breaches.find((x) => x.id === 'memory')).toMatchObject({ ongoing: true, from: new Date(T0 + MINUTE).toISOString(), worst: 0.95 });
  });

  it('one missed health answer in a step is not an outage: down means no answer in the whole step', () => {
    const ledger = new SlaLedger();
    const read = (at: number, status: 'up' | 'down') => ledger.record({ at, services: [{ service: 'speed-layer', status }], gateway: { instance: 'g', routes: {}, total: 0, errors: 0 }, chain: null });
    read(T0, 'up');
    read(T0 + 15_000, 'down');
    read(T0 + 30_000, 'up');
    expect(ledger.report(T0 + 40_000).slas.find((s) => s.id === 'availability')?.status).toBe('holds');
    read(T0 + MINUTE, 'down');
    read(T0 + MINUTE + 15_000, 'down');
    expect(ledger.report(T0 + MINUTE + 20_000).slas.find((s) => s.id === 'availability')).toMatchObject({ status: 'breached', detail: 'down: speed-layer' });
  });

  it('counts a restarted instance\'s counters from zero and two replicas\' readings each once', () => {
    const ledger = new SlaLedger();
    const read = (at: number, instance: string, observations: number[]) =>
      ledger.record({ at, services: [{ service: 'speed-layer', instance, status: 'up', histograms: { validation: histogramOf(observations) } }], gateway: { instance: 'g', routes: {}, total: 0, errors: 0 }, chain: null });
    // replica a and b alternate; each reading is cumulative for its own instance
    read(T0, 'a', Array(100).fill(0.001));
    read(T0 + 1000, 'b', Array(100).fill(0.001));
    read(T0 + 2000, 'a', Array(100).fill(0.001)); // nothing new on a
    read(T0 + 3000, 'b', [...Array(100).fill(0.001), ...Array(100).fill(0.5)]); // 100 slow on b
    read(T0 + 4000, 'a', Array(10).fill(0.001)); // a restarted: 10 new
    const sla = ledger.report(T0 + 5000).slas.find((s) => s.id === 'validation-p99');
    // 310 observations in all, 100 of them slow: p99 lies in the (0.25, 0.5] bucket
    expect(sla?.value).toBeGreaterThan(0.25);
    expect(sla?.value).toBeLessThanOrEqual(0.5);
  });

  it('keeps a day: a breach older than 24 h is forgotten', () => {
    const b = bridge();
    for (let m = 0; m < 6; m++) b.minute(T0 + m * MINUTE, { errors: 50 });
    expect(b.ledger.report(T0 + 6 * MINUTE).breaches.map((x) => x.id)).toContain('error-rate');
    b.minute(T0 + 25 * 60 * MINUTE);
    expect(b.ledger.report(T0 + 25 * 60 * MINUTE).breaches).toEqual([]);
  });
});
