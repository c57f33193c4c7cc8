/**
 * A Prometheus histogram read from the text exposition: cumulative bucket counts by upper bound
 * (seconds), summed over every series that matches the wanted labels.
 */
export interface Histogram {
  /** Upper bounds in seconds, ascending, `Infinity` last. */
  bounds: number[];
  /** Cumulative counts, one per bound. */
  counts: number[];
}

/** The `<name>_bucket` series of `text` whose labels include all of `labels`, summed. */
export function parseHistogram(text: string, name: string, labels: Record<string, string>): Histogram {
  const byBound = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const close = line.lastIndexOf('}');
    const found = Object.fromEntries([...line.slice(line.indexOf('{') + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (!Object.entries(labels).every(([k, v]) => found[k] === v)) continue;
    const bound = found['le'] === '+Inf' ? Infinity : Number(found['le']);
    byBound.set(bound, (byBound.get(bound) ?? 0) + Number(line.slice(close + 1).trim()));
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return { bounds, counts: bounds.map((b) => byBound.get(b) as number) };
}

/** `later - earlier`: what was observed between two scrapes. */
export function histogramDelta(later: Histogram, earlier: Histogram): Histogram {
  return { bounds: later.bounds, counts: later.counts.map((c, i) => c - (earlier.bounds[i] === later.bounds[i] ? (earlier.counts[i] ?? 0) : 0)) };
}

export const histogramCount = (h: Histogram): number => h.counts[h.counts.length - 1] ?? 0;

/**
 * The q-quantile in milliseconds, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does; NaN when empty. An estimate: its resolution is the bucket's width.
 */
export function histogramQuantileMs(h: Histogram, q: number): number {
  const total = histogramCount(h);
  if (total === 0) return Number.NaN;
  const rank = q * total;
  for (let i = 0; i < h.bounds.length; i++) {
    const count = h.counts[i] as number;
    if (count < rank) continue;
    const upper = h.bounds[i] as number;
    const lower = i === 0 ? 0 : (h.bounds[i - 1] as number);
    if (upper === Infinity) return lower * 1000;
    const below = i === 0 ? 0 : (h.counts[i - 1] as number);
    const within = count - below;
    return (lower + (within === 0 ? 0 : ((rank - below) / within) * (upper - lower))) * 1000;
  }
  return Number.NaN;
}

/** Share of observations at or under `ms` (exact when `ms` is a bucket bound). */
export function shareWithinMs(h: Histogram, ms: number): number {
  const total = histogramCount(h);
  const i = h.bounds.findIndex((b) => Math.abs(b * 1000 - ms) < 1e-9);
  if (total === 0 || i < 0) return Number.NaN;
  return (h.counts[i] as number) / total;
}
