/**
 * Latency targets of the benchmarks, and the result keys named after them, in one place: a key
 * always states the limit it was checked against (an overridden limit renames the key).
 */
export const TARGETS = {
  /** Validation through the gateway, end to end (ms); BENCH_P99_LIMIT_MS overrides it. */
  speedLayerP99Ms: 10,
  /** A memory-tier answer inside the speed layer (ms). */
  memoryTierP99Ms: 0.05,
  /** A delegation round trip (ms); BENCH_P99_LIMIT_MS overrides it. */
  delegationP99Ms: 50,
  /** Issue 16's bar for delegations: at BENCH_RATE (100/s) with 100 experts, every one completes under this p99 (ms). */
  delegationFixedP99Ms: 100,
  /** Issue 16: the router's CPU per delegation at the fixed rate, at most (ms). */
  delegationRouterCpuMs: 2,
  /** Issue 16: one delegation alone, end to end, p50 under (ms). */
  delegationSoloP50Ms: 15,
  /** Issue 17: what a live set of 10 000 reservations (1000 agents) adds to a validation, p99 (ms). */
  reservationAddedP99Ms: 0.1,
  /** Issue 19: a router and a speed layer over 1 000 000 events start from a snapshot in under (ms); BENCH_STARTUP_LIMIT_MS overrides it. */
  startupFromSnapshotMs: 5000,
} as const;

/** `<what>_p99_under_<limit>ms`, the limit written with `_` for the decimal point (0.05 → `0_05`). */
export const p99UnderKey = (what: string, limitMs: number): string => `${what}_p99_under_${String(limitMs).replace('.', '_')}ms`;

/** The limit from the environment (a benchmark run may loosen or tighten it), else the target. */
export const limitFromEnv = (fallbackMs: number): number => Number(process.env['BENCH_P99_LIMIT_MS'] ?? fallbackMs);
