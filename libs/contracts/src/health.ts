import { z } from 'zod';

export const HealthQuerySchema = z.strictObject({});
export type HealthQuery = z.infer<typeof HealthQuerySchema>;

/** What each service answers on its health subject. */
export const ServiceHealthSchema = z.strictObject({
  service: z.string(),
  status: z.enum(['up', 'degraded']),
  version: z.string(),
  instance: z.string(),
  uptimeSeconds: z.number().min(0),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

/** The gateway's `GET /health` answer: every service, up or down, with its round trip. */
export const GatewayHealthSchema = z.strictObject({
  status: z.enum(['up', 'degraded', 'down']),
  services: z.record(
    z.string(),
    z.strictObject({
      status: z.enum(['up', 'degraded', 'down']),
      rttMs: z.number().min(0).nullable(),
      instance: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
});
export type GatewayHealth = z.infer<typeof GatewayHealthSchema>;

/**
 * A latency histogram as a service reports it for the console's SLA view: cumulative counts per
 * upper bound (the bounds of libs/observability LATENCY_BUCKETS, then +Inf), as Prometheus has them.
 */
export const HistogramSnapshotSchema = z.strictObject({
  buckets: z.array(z.number().min(0)).max(32),
  count: z.number().min(0),
});
export type HistogramSnapshot = z.infer<typeof HistogramSnapshotSchema>;

/**
 * The service-level facts a service reports in its health answer (`detail.sli`), the same
 * metrics the SLO alerting rules read: its SLI histograms (validation, append, fs-op) and its
 * memory against its limit (the container's, when the cgroup sets one; V8's heap limit always).
 */
export const SliSnapshotSchema = z.strictObject({
  histograms: z.partialRecord(z.enum(['validation', 'append', 'fs-op']), HistogramSnapshotSchema),
  memory: z.strictObject({
    rssBytes: z.number().min(0),
    limitBytes: z.number().min(0).nullable(),
    heapUsedBytes: z.number().min(0),
    heapLimitBytes: z.number().min(0),
  }),
});
export type SliSnapshot = z.infer<typeof SliSnapshotSchema>;

/** One problem a verification found (the first few are reported). */
const ChainProblemSchema = z.strictObject({
  kind: z.string().max(64),
  severity: z.enum(['error', 'recoverable']),
  segment: z.string().max(256),
  offset: z.number().int().min(0),
  sequence: z.number().int().min(0).optional(),
  message: z.string().max(1024),
});

/** `lh.events.query.verify.v1`'s request: the last verification's result, or (`rerun`) a new one if the last is older than the store's minimum interval. */
export const ChainVerificationQuerySchema = z.strictObject({ rerun: z.boolean().optional() });
export type ChainVerificationQuery = z.infer<typeof ChainVerificationQuerySchema>;

/**
 * `lh.events.query.verify.v1`: the event store's last verification of its whole log (HMAC chain,
 * records, segments, the signed checkpoint), run at most once per interval whoever asks, read-only.
 */
export const ChainVerificationSchema = z.strictObject({
  ok: z.boolean(),
  verifiedAt: z.string(),
  durationMs: z.number().min(0),
  segments: z.number().int().min(0),
  records: z.number().int().min(0),
  lastSequence: z.number().int().min(0),
  chainHead: z.string().max(128),
  /** The last signed checkpoint as it is on disk: authentic (its HMAC checks) or why not. */
  checkpoint: z.strictObject({
    authentic: z.boolean(),
    lastSequence: z.number().int().min(0).nullable(),
    chainHead: z.string().max(128).nullable(),
    keyId: z.number().int().min(0).nullable(),
    problem: z.string().max(256).optional(),
  }),
  problems: z.array(ChainProblemSchema).max(20),
  /** How many problems there were in all (only the first 20 are listed). */
  problemCount: z.number().int().min(0),
});
export type ChainVerification = z.infer<typeof ChainVerificationSchema>;
