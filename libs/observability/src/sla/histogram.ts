/**
 * A latency histogram as Prometheus keeps it: cumulative counts per upper bound (`bounds`, in
 * seconds, then +Inf as the last entry of `buckets`) and the total count.
 */
export interface Histogram {
  buckets: number[];
  count: number;
}

export const emptyHistogram = (size: number): Histogram => ({ buckets: new Array<number>(size).fill(0), count: 0 });

/** `a + b`, bucket by bucket (the shorter one padded with its own last value: cumulative). */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  const size = Math.max(a.buckets.length, b.buckets.length);
  const at = (h: Histogram, i: number) => h.buckets[Math.min(i, h.buckets.length - 1)] ?? 0;
  return { buckets: Array.from({ length: size }, (_, i) => at(a, i) + at(b, i)), count: a.count + b.count };
}

/**
 * What was observed between two readings of one instance's cumulative histogram. A reading lower
 * than the one before means the process restarted: everything in the new reading is new.
 */
export function histogramDelta(now: Histogram, before: Histogram | undefined): Histogram {
  if (!before || now.count < before.count || now.buckets.some((value, i) => value < (before.buckets[i] ?? 0))) return now;
  return { buckets: now.buckets.map((value, i) => value - (before.buckets[i] ?? 0)), count: now.count - before.count };
}

/**
 * Prometheus's `histogram_quantile`: the bucket holding the q-th observation, interpolated
 * linearly within it (from 0 for the first bucket); an answer in the +Inf bucket is the highest
 * finite bound. Null when nothing was observed.
 */
export function histogramQuantile(q: number, bounds: readonly number[], histogram: Histogram): number | null {
  const total = histogram.buckets[histogram.buckets.length - 1] ?? histogram.count;
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < histogram.buckets.length; i++) {
    const cumulative = histogram.buckets[i] as number;
    if (cumulative < rank) continue;
    if (i >= bounds.length) return bounds[bounds.length - 1] ?? null;
    const lower = i === 0 ? 0 : (bounds[i - 1] as number);
    const below = i === 0 ? 0 : (histogram.buckets[i - 1] as number);
    const inBucket = cumulative - below;
    return inBucket === 0 ? (bounds[i] as number) : lower + ((bounds[i] as number) - lower) * ((rank - below) / inBucket);
  }
  return bounds[bounds.length - 1] ?? null;
}
