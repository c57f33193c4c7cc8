/** Percentile (0–100) of an already sorted array, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50/p95/p99 of latencies given in nanoseconds, reported in microseconds. */
export function latencySummary(samplesNs: readonly number[]): { p50_us: number; p95_us: number; p99_us: number; n: number } {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const us = (ns: number) => Math.round(ns / 100) / 10;
  return { p50_us: us(percentile(sorted, 50)), p95_us: us(percentile(sorted, 95)), p99_us: us(percentile(sorted, 99)), n: sorted.length };
}

/** Times `count` sequential calls of `fn`, in nanoseconds each. */
export async function timeSequential(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - started);
  }
  return samples;
}
