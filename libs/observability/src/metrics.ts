import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import { LATENCY_BUCKETS } from './buckets';

export { LATENCY_BUCKETS };

/** The metrics every service shares, on a registry of its own (so tests can make many). */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly natsHandleSeconds = new Histogram({
    name: 'lh_nats_handle_seconds',
    help: 'Time to handle one NATS request, by subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly natsRequestSeconds = new Histogram({
    name: 'lh_nats_request_seconds',
    help: 'Round trip of one outgoing NATS request, by subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly httpRequestSeconds = new Histogram({
    name: 'lh_http_request_seconds',
    help: 'HTTP request duration, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rejectedFrames = new Counter({
    name: 'lh_rejected_frames_total',
    help: 'Incoming frames rejected before reaching a handler, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** One operation on the shared project view (FUSE), by operation and outcome (fuse-mounter only). */
  readonly fsOpSeconds = new Histogram({
    name: 'lh_fs_op_seconds',
    help: 'Time to answer one operation on the shared project view, by operation and outcome',
    labelNames: ['op', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** 1 once the event log's HMAC chain verified at open, 0 when a verification failed (event-store only). */
  readonly eventChainVerified = new Gauge({
    name: 'lh_event_chain_verified',
    help: 'Whether the event log\'s HMAC chain verified (1) or failed verification (0)',
    registers: [this.registry],
  });

  /** Events a store follower applied, by follower kind and phase (`startup`: its first catch-up; `live`: after). */
  readonly followerAppliedEvents = new Counter({
    name: 'lh_follower_applied_events_total',
    help: 'Events a store follower applied, by follower kind and phase (startup catch-up or live)',
    labelNames: ['follower', 'phase'] as const,
    registers: [this.registry],
  });

  /** The log sequence the follower's last snapshot (loaded or written) covers, by follower kind. */
  readonly followerSnapshotSequence = new Gauge({
    name: 'lh_follower_snapshot_sequence',
    help: 'The log sequence covered by the follower\'s last snapshot, loaded or written',
    labelNames: ['follower'] as const,
    registers: [this.registry],
  });

  /** Stored snapshots a follower refused at start because their MAC did not check (it replayed the log instead), by follower kind and reason. */
  readonly followerSnapshotRefused = new Counter({
    name: 'lh_follower_snapshot_refused_total',
    help: 'Stored snapshots refused at start for a missing, unknown-key or wrong MAC (the follower replayed the log instead), by follower kind and reason',
    labelNames: ['follower', 'reason'] as const,
    registers: [this.registry],
  });

  readonly unhandledRejections = new Counter({
    name: 'lh_unhandled_rejections_total',
    help: 'Promise rejections nothing handled (logged; the process keeps running)',
    registers: [this.registry],
  });

  constructor(service: string, withDefaults = true) {
    this.registry.setDefaultLabels({ service });
    if (withDefaults) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
