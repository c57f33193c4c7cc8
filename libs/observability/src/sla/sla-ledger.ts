import { LATENCY_BUCKETS } from '../buckets';
import { addHistograms, histogramDelta, histogramQuantile, type Histogram } from './histogram';
import { API_SLO_EXCLUDED_ROUTES, SLOS, type SliHistogramKey, type Slo, type SloId } from './slo-table';

/** One service instance as the health check found it, with the SLI facts it reported. */
export interface ServiceReading {
  service: string;
  instance?: string;
  status: 'up' | 'degraded' | 'down';
  histograms?: Partial<Record<SliHistogramKey, Histogram>>;
  /** Used memory over its limit (0..1+), when the service reported it. */
  memoryRatio?: number;
}

/** One reading of the bridge: the services, the gateway's own API metrics (cumulative), the chain's last verdict. */
export interface SlaObservation {
  at: number;
  services: ServiceReading[];
  /** The reading gateway's cumulative request histograms, by route, and its 5xx and total counts. */
  gateway: { instance: string; routes: Record<string, Histogram>; total: number; errors: number };
  /** The event store's last verification verdict, or null when unknown. */
  chain: boolean | null;
}

/** What one step (minute) saw: deltas of counters, the worst of readings. */
interface StepSample {
  histograms: Partial<Record<SliHistogramKey, Histogram>>;
  routes: Map<string, Histogram>;
  total: number;
  errors: number;
  /** Services that answered at least once in the step, and those that failed to at least once: down = failed and never answered. */
  up: Set<string>;
  down: Set<string>;
  memory: Map<string, number>;
  chain: boolean | null;
}

/** An SLO's value over the window ending at one step. */
interface StepVerdict {
  value: number | null;
  broken: boolean;
  detail?: string;
}

export type SlaStatus = 'holds' | 'at-risk' | 'breached' | 'no-data';

export interface SlaState {
  id: SloId;
  title: string;
  objective: string;
  unit: Slo['unit'];
  threshold: number;
  status: SlaStatus;
  value: number | null;
  detail?: string;
}

export interface SlaBreach {
  id: SloId;
  title: string;
  unit: Slo['unit'];
  threshold: number;
  from: string;
  to: string;
  ongoing: boolean;
  worst: number;
  detail?: string;
}

export interface SlaReport {
  at: string;
  stepSeconds: number;
  /** Since when the ledger has readings (it keeps `horizonSteps` of them). */
  since: string | null;
  slas: SlaState[];
  /** Every breach that overlaps the horizon (24 h by default), newest first. */
  breaches: SlaBreach[];
}

export interface SlaLedgerOptions {
  /** One step of history (a minute by default). */
  stepMs?: number;
  /** Steps kept (a day of minutes by default). */
  horizonSteps?: number;
  /** Most routes one step keeps (the gateway's routes are a fixed table; this is a bound). */
  maxRoutes?: number;
}

const MAX_BREACHES = 200;

/**
 * The console's SLA view, computed by the bridge from its own metrics: per-step samples (deltas
 * of the services' cumulative histograms, per instance, so a restart or another replica's
 * reading never counts twice) in a ring of a day's steps, each SLO measured over its window like
 * the alerting rule (`rate(...[5m])`), and a breach being a run of broken steps at least as long
 * as the rule's `for`. Pure: time comes in with each observation.
 */
export class SlaLedger {
  readonly stepMs: number;
  private readonly horizonSteps: number;
  private readonly maxRoutes: number;
  private readonly steps = new Map<number, StepSample>();
  /** Closed steps' verdicts (a closed step's window never changes). */
  private readonly verdicts = new Map<number, Map<SloId, StepVerdict>>();
  private readonly lastCumulative = new Map<string, Histogram>();
  private lastChain: boolean | null = null;

  constructor(options: SlaLedgerOptions = {}) {
    this.stepMs = options.stepMs ?? 60_000;
    this.horizonSteps = options.horizonSteps ?? 1440;
    this.maxRoutes = options.maxRoutes ?? 256;
  }

  record(observation: SlaObservation): void {
    const step = Math.floor(observation.at / this.stepMs);
    const sample = this.sampleAt(step);
    for (const reading of observation.services) this.recordService(sample, reading);
    const gateway = observation.gateway;
    for (const [route, histogram] of Object.entries(gateway.routes)) {
      const delta = this.delta(`gateway:${gateway.instance}:route:${route}`, histogram);
      if (delta.count === 0 || API_SLO_EXCLUDED_ROUTES.has(route)) continue;
      const had = sample.routes.get(route);
      if (had || sample.routes.size < this.maxRoutes) sample.routes.set(route, had ? addHistograms(had, delta) : delta);
    }
    sample.total += this.delta(`gateway:${gateway.instance}:total`, { buckets: [gateway.total], count: gateway.total }).count;
    sample.errors += this.delta(`gateway:${gateway.instance}:errors`, { buckets: [gateway.errors], count: gateway.errors }).count;
    if (observation.chain !== null) this.lastChain = observation.chain;
    sample.chain = this.lastChain;
  }

  report(nowMs: number): SlaReport {
    const current = Math.floor(nowMs / this.stepMs);
    this.forget(current);
    const first = current - this.horizonSteps + 1;
    const runs = new Map<SloId, number>();
    const open = new Map<SloId, SlaBreach>();
    const breaches: SlaBreach[] = [];
    let last = new Map<SloId, StepVerdict>();
    const known = [...this.steps.keys()];
    const oldest = known.length > 0 ? Math.max(first, Math.min(...known)) : current;
    for (let step = oldest; step <= current; step++) {
      last = this.verdictsAt(step, current);
      for (const slo of SLOS) {
        const verdict = last.get(slo.id) as StepVerdict;
        const run = verdict.broken ? (runs.get(slo.id) ?? 0) + 1 : 0;
        runs.set(slo.id, run);
        const breach = open.get(slo.id);
        if (!verdict.broken) {
          if (breach) open.delete(slo.id);
          continue;
        }
        if (breach) {
          breach.to = this.endOf(step);
          if ((verdict.value ?? 0) >= breach.worst) Object.assign(breach, { worst: verdict.value ?? 0, ...(verdict.detail ? { detail: verdict.detail } : {}) });
        } else if (run >= Math.max(1, slo.forMinutes)) {
          const opened: SlaBreach = { id: slo.id, title: slo.title, unit: slo.unit, threshold: slo.threshold, from: new Date((step - run + 1) * this.stepMs).toISOString(), to: this.endOf(step), ongoing: false, worst: verdict.value ?? 0, ...(verdict.detail ? { detail: verdict.detail } : {}) };
          open.set(slo.id, opened);
          breaches.push(opened);
        }
      }
    }
    for (const breach of open.values()) breach.ongoing = true;
    const slas = SLOS.map((slo): SlaState => {
      const verdict = last.get(slo.id) ?? { value: null, broken: false };
      const status: SlaStatus = open.has(slo.id) ? 'breached' : verdict.broken ? 'at-risk' : verdict.value === null ? 'no-data' : 'holds';
      return { id: slo.id, title: slo.title, objective: slo.objective, unit: slo.unit, threshold: slo.threshold, status, value: verdict.value, ...(verdict.detail ? { detail: verdict.detail } : {}) };
    });
    return {
      at: new Date(nowMs).toISOString(),
      stepSeconds: this.stepMs / 1000,
      since: known.length > 0 ? new Date(oldest * this.stepMs).toISOString() : null,
      slas,
      breaches: breaches.reverse().slice(0, MAX_BREACHES),
    };
  }

  private recordService(sample: StepSample, reading: ServiceReading): void {
    if (reading.status === 'down') sample.down.add(reading.service);
    else sample.up.add(reading.service);
    const instance = reading.instance ?? reading.service;
    for (const [key, histogram] of Object.entries(reading.histograms ?? {}) as [SliHistogramKey, Histogram][]) {
      const delta = this.delta(`${reading.service}:${instance}:${key}`, histogram);
      if (delta.count === 0) continue;
      const had = sample.histograms[key];
      sample.histograms[key] = had ? addHistograms(had, delta) : delta;
    }
    if (reading.memoryRatio !== undefined) sample.memory.set(reading.service, Math.max(sample.memory.get(reading.service) ?? 0, reading.memoryRatio));
  }

  private delta(key: string, cumulative: Histogram): Histogram {
    const delta = histogramDelta(cumulative, this.lastCumulative.get(key));
    this.lastCumulative.set(key, cumulative);
    if (this.lastCumulative.size > 10_000) this.lastCumulative.delete(this.lastCumulative.keys().next().value as string);
    return delta;
  }

  private sampleAt(step: number): StepSample {
    let sample = this.steps.get(step);
    if (!sample) {
      sample = { histograms: {}, routes: new Map(), total: 0, errors: 0, up: new Set(), down: new Set(), memory: new Map(), chain: this.lastChain };
      this.steps.set(step, sample);
    }
    return sample;
  }

  private forget(current: number): void {
    const oldest = current - this.horizonSteps - 10;
    for (const step of this.steps.keys()) if (step < oldest) this.steps.delete(step);
    for (const step of this.verdicts.keys()) if (step < oldest) this.verdicts.delete(step);
  }

  private endOf(step: number): string {
    return new Date((step + 1) * this.stepMs).toISOString();
  }

  /** Every SLO's verdict over its window ending at `step` (cached once the step is closed). */
  private verdictsAt(step: number, current: number): Map<SloId, StepVerdict> {
    const cached = this.verdicts.get(step);
    if (cached) return cached;
    const verdicts = new Map(SLOS.map((slo) => [slo.id, this.measure(slo, step)] as const));
    if (step < current) this.verdicts.set(step, verdicts);
    return verdicts;
  }

  private window(step: number, minutes: number): StepSample[] {
    const samples: StepSample[] = [];
    for (let s = step - minutes + 1; s <= step; s++) {
      const sample = this.steps.get(s);
      if (sample) samples.push(sample);
    }
    return samples;
  }

  private measure(slo: Slo, step: number): StepVerdict {
    const samples = this.window(step, slo.windowMinutes);
    if (samples.length === 0) return { value: null, broken: false };
    const broken = (value: number | null, detail?: string): StepVerdict => ({ value, broken: value !== null && value > slo.threshold, ...(detail ? { detail } : {}) });
    const bounds = LATENCY_BUCKETS;
    switch (slo.measure.kind) {
      case 'quantile': {
        const key = slo.measure.histogram;
        const merged = samples.map((s) => s.histograms[key]).filter((h): h is Histogram => h !== undefined).reduce<Histogram | undefined>((a, b) => (a ? addHistograms(a, b) : b), undefined);
        return broken(merged ? histogramQuantile(slo.measure.q, bounds, merged) : null);
      }
      case 'api-quantile': {
        const merged = new Map<string, Histogram>();
        for (const sample of samples) for (const [route, h] of sample.routes) merged.set(route, merged.has(route) ? addHistograms(merged.get(route) as Histogram, h) : h);
        let worst: { route: string; value: number } | undefined;
        for (const [route, h] of merged) {
          const value = histogramQuantile(slo.measure.q, bounds, h);
          if (value !== null && (!worst || value > worst.value)) worst = { route, value };
        }
        return worst ? broken(worst.value, `slowest route ${worst.route}`) : { value: null, broken: false };
      }
      case 'error-ratio': {
        const total = samples.reduce((n, s) => n + s.total, 0);
        const errors = samples.reduce((n, s) => n + s.errors, 0);
        return total === 0 ? { value: null, broken: false } : broken(errors / total, `${errors} of ${total} calls`);
      }
      case 'services-down': {
        // Down in a step: no answer in the whole step (one missed probe is not an outage, as `up == 0 for 1m` is not).
        const down = [...new Set(samples.flatMap((s) => [...s.down].filter((service) => !s.up.has(service))))].sort();
        return broken(down.length, down.length > 0 ? `down: ${down.join(', ')}` : undefined);
      }
      case 'memory-ratio': {
        let worst: { service: string; ratio: number } | undefined;
        for (const sample of samples) for (const [service, ratio] of sample.memory) if (!worst || ratio > worst.ratio) worst = { service, ratio };
        return worst ? broken(worst.ratio, `highest: ${worst.service}`) : { value: null, broken: false };
      }
      case 'chain': {
        const verdict = samples[samples.length - 1]?.chain ?? null;
        return verdict === null ? { value: null, broken: false } : { value: verdict ? 0 : 1, broken: !verdict, ...(verdict ? {} : { detail: 'the last verification failed' }) };
      }
    }
  }
}
