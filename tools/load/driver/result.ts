import { z } from 'zod';

/**
 * What `npm run load` writes as JSON and draws as HTML: the figures of one run. The schema is
 * the source of the type, and the report renderer checks any file it is given against it.
 */
const SeriesPoint = z.object({ t: z.number(), n: z.number(), p50: z.number(), p95: z.number(), p99: z.number() });

export const OperationResultSchema = z.object({
  op: z.string(),
  method: z.string(),
  route: z.string(),
  longPoll: z.boolean(),
  derived: z.boolean(),
  n: z.number().int(),
  /** Answers with an expected status. */
  okN: z.number().int(),
  perS: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
  /** p99 over the baseline probe's p99 in the same run: survives a noisy machine better than ms. */
  p99VsBaseline: z.number().nullable(),
  statuses: z.record(z.string(), z.number()),
  /** [percentile, ms] pairs from p0 to max. */
  percentiles: z.array(z.tuple([z.number(), z.number()])),
  /** Latency by second of the run (t = seconds since start). */
  series: z.array(SeriesPoint),
});
export type OperationResult = z.infer<typeof OperationResultSchema>;

const ErrorRow = z.object({ op: z.string(), status: z.number(), code: z.string(), n: z.number() });
export type ErrorRow = z.infer<typeof ErrorRow>;

export const ProcessResultSchema = z.object({
  name: z.string(),
  pid: z.number(),
  /** The Helm memory limit this process gets on a cluster, when it has one. */
  limitMiB: z.number().nullable(),
  peakRssMiB: z.number(),
  meanCpuPct: z.number(),
  peakCpuPct: z.number(),
  series: z.array(z.object({ t: z.number(), cpuPct: z.number(), rssMiB: z.number() })),
});
export type ProcessResult = z.infer<typeof ProcessResultSchema>;

export const TargetResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  limit: z.string(),
  value: z.string(),
  /** null: not measurable in this run (n/a), with the reason in `detail`. */
  pass: z.boolean().nullable(),
  detail: z.string().optional(),
});
export type TargetResult = z.infer<typeof TargetResultSchema>;

export const LoadResultSchema = z.object({
  tool: z.literal('lighthouse-load'),
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  run: z.object({
    mode: z.enum(['local', 'remote']),
    gatewayUrl: z.string(),
    agents: z.number(),
    experts: z.number(),
    durationS: z.number(),
    rampUpS: z.number(),
    thinkSeconds: z.object({ min: z.number(), max: z.number() }),
    command: z.string(),
    machine: z.object({ cpus: z.number(), loadAvgStart: z.array(z.number()), loadAvgEnd: z.array(z.number()), node: z.string() }),
  }),
  operations: z.array(OperationResultSchema),
  /** Requests answered per second of the run, every operation together. */
  throughput: z.array(z.object({ t: z.number(), n: z.number() })),
  errors: z.object({ unexpected: z.number(), deliberate: z.number(), rows: z.array(ErrorRow.extend({ deliberate: z.boolean() })) }),
  /** Validation answers by kind, as `decision/tier` counts. */
  decisions: z.record(z.string(), z.record(z.string(), z.number())),
  eventStore: z
    .object({
      appends: z.number(),
      p50Ms: z.number(),
      p95Ms: z.number(),
      p99Ms: z.number(),
      shareWithin10ms: z.number(),
      series: z.array(z.object({ t: z.number(), n: z.number(), p95Ms: z.number() })),
    })
    .nullable(),
  processes: z.array(ProcessResultSchema),
  stack: z.object({ peakRssMiB: z.number(), meanCpuPct: z.number() }).nullable(),
  /**
   * CPU the stack spent per request (every process, the driver left out): a figure a busy,
   * shared machine disturbs far less than latency, and what a capacity estimate rests on.
   */
  cost: z
    .object({
      requests: z.number(),
      stackCpuSeconds: z.number(),
      cpuMsPerRequest: z.number(),
      byProcess: z.record(z.string(), z.number()),
      /** CPU of each process while idle before the run (% of a core), left out of the cost. */
      idleCpuPct: z.record(z.string(), z.number()),
      /** Requests per second the stack could answer with every core of this machine to itself, if CPU-bound and linear. */
      projectedMaxPerSecond: z.number(),
    })
    .nullable(),
  /**
   * NATS messages per request of the agents over the run, from the private NATS's /connz: what the
   * clients published and what was delivered to them (each subscriber once), by connection name.
   */
  nats: z
    .object({
      publishedPerRequest: z.number(),
      deliveredPerRequest: z.number(),
      bytesPerRequest: z.number(),
      byConnection: z.record(z.string(), z.object({ published: z.number(), delivered: z.number() })),
    })
    .nullable()
    .optional(),
  /** The load driver's own event-loop delay: when high, its latencies include the client's wait. */
  driver: z.object({ loopDelayP50Ms: z.number(), loopDelayP99Ms: z.number(), loopDelayMaxMs: z.number() }).nullable(),
  targets: z.array(TargetResultSchema),
});
export type LoadResult = z.infer<typeof LoadResultSchema>;
