/**
 * The service levels Lighthouse promises, as the console evaluates them: the same thresholds,
 * windows and `for` durations as the Prometheus alerting rules (deploy/helm/lighthouse/files/
 * slo-rules.yaml; tools/monitoring checks the two agree).
 */
export type SloId = 'validation-p99' | 'event-store-write-p95' | 'shared-view-op-p95' | 'api-p99' | 'error-rate' | 'availability' | 'memory' | 'chain-integrity';

/** Which SLI a service reports in its health answer. */
export type SliHistogramKey = 'validation' | 'append' | 'fs-op';

export type SloMeasure =
  | { kind: 'quantile'; histogram: SliHistogramKey; q: number }
  | { kind: 'api-quantile'; q: number }
  | { kind: 'error-ratio' }
  | { kind: 'services-down' }
  | { kind: 'memory-ratio' }
  | { kind: 'chain' };

export interface Slo {
  id: SloId;
  /** The matching alert in the rules file. */
  alert: string;
  title: string;
  objective: string;
  measure: SloMeasure;
  /** Broken when the measured value is above this. */
  threshold: number;
  unit: 'seconds' | 'ratio' | 'services' | 'verdict';
  /** Minutes of history the value is measured over (`rate(...[5m])`); 1 for an instant reading. */
  windowMinutes: number;
  /** Minutes the value must stay broken before it counts as a breach (the rule's `for`, at least one reading). */
  forMinutes: number;
}

export const SLOS: readonly Slo[] = [
  { id: 'validation-p99', alert: 'LighthouseValidationP99High', title: 'Validation p99', objective: 'under 100 ms (automated tiers)', measure: { kind: 'quantile', histogram: 'validation', q: 0.99 }, threshold: 0.1, unit: 'seconds', windowMinutes: 5, forMinutes: 5 },
  { id: 'event-store-write-p95', alert: 'LighthouseEventStoreWriteP95High', title: 'Event-store write p95', objective: 'under 10 ms', measure: { kind: 'quantile', histogram: 'append', q: 0.95 }, threshold: 0.01, unit: 'seconds', windowMinutes: 5, forMinutes: 5 },
  { id: 'shared-view-op-p95', alert: 'LighthouseSharedViewOpP95High', title: 'Shared-view operation p95', objective: 'under 5 ms', measure: { kind: 'quantile', histogram: 'fs-op', q: 0.95 }, threshold: 0.005, unit: 'seconds', windowMinutes: 5, forMinutes: 5 },
  { id: 'api-p99', alert: 'LighthouseApiP99High', title: 'API p99 (every route)', objective: 'under 100 ms per route (long polls, streams and /validate aside)', measure: { kind: 'api-quantile', q: 0.99 }, threshold: 0.1, unit: 'seconds', windowMinutes: 5, forMinutes: 5 },
  { id: 'error-rate', alert: 'LighthouseHighErrorRate', title: 'API error rate', objective: 'under 1% of calls answer 5xx', measure: { kind: 'error-ratio' }, threshold: 0.01, unit: 'ratio', windowMinutes: 5, forMinutes: 5 },
  { id: 'availability', alert: 'LighthouseServiceDown', title: 'Services up', objective: 'every service answers', measure: { kind: 'services-down' }, threshold: 0, unit: 'services', windowMinutes: 1, forMinutes: 1 },
  { id: 'memory', alert: 'LighthouseMemoryNearLimit', title: 'Memory', objective: 'under 90% of the limit', measure: { kind: 'memory-ratio' }, threshold: 0.9, unit: 'ratio', windowMinutes: 1, forMinutes: 10 },
  { id: 'chain-integrity', alert: 'LighthouseEventChainUnverified', title: 'Event chain', objective: 'the HMAC chain and checkpoint verify', measure: { kind: 'chain' }, threshold: 0, unit: 'verdict', windowMinutes: 1, forMinutes: 0 },
];

/** Gateway routes the API SLO leaves aside, as the rule does: they wait on purpose, or have their own SLO. */
export const API_SLO_EXCLUDED_ROUTES: ReadonlySet<string> = new Set(['/validate', '/delegations/next', '/delegations/:id/wait', '/events/stream', '/console/api/stream']);
