import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { Histogram as PromHistogram } from 'prom-client';
import { LATENCY_BUCKETS } from '../buckets';
import type { ServiceMetrics } from '../metrics';
import type { Histogram } from './histogram';
import type { SliHistogramKey } from './slo-table';

type Labels = Record<string, string | number | undefined>;

/** Which series of which metric make each SLI histogram (the selectors of the alerting rules). */
const SLI_SERIES: Record<SliHistogramKey, { metric: 'natsHandleSeconds' | 'fsOpSeconds'; match: (labels: Labels) => boolean }> = {
  validation: { metric: 'natsHandleSeconds', match: (l) => /^tier:(memory|policy|pattern|shared)$/.test(String(l['subject'])) },
  append: { metric: 'natsHandleSeconds', match: (l) => l['subject'] === 'lh.events.cmd.append.v1' },
  'fs-op': { metric: 'fsOpSeconds', match: () => true },
};

export interface MemoryReading {
  rssBytes: number;
  limitBytes: number | null;
  heapUsedBytes: number;
  heapLimitBytes: number;
}

/** The service-level facts of one service, for its health answer (`detail.sli`). */
export interface SliReading {
  histograms: Partial<Record<SliHistogramKey, Histogram>>;
  memory: MemoryReading;
}

/** Sums the series of a histogram `match` selects, grouped by `groupBy` (one group when absent). */
async function summed(metric: PromHistogram<string>, match: (labels: Labels) => boolean, groupBy?: string): Promise<Map<string, Histogram>> {
  const groups = new Map<string, Histogram>();
  const { values } = await metric.get();
  for (const value of values) {
    if (!value.metricName?.endsWith('_bucket') || !match(value.labels)) continue;
    const group = groupBy ? String(value.labels[groupBy]) : '';
    let histogram = groups.get(group);
    if (!histogram) {
      histogram = { buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), count: 0 };
      groups.set(group, histogram);
    }
    const le = value.labels['le'];
    const at = le === '+Inf' ? LATENCY_BUCKETS.length : LATENCY_BUCKETS.indexOf(Number(le));
    if (at < 0) continue;
    histogram.buckets[at] = (histogram.buckets[at] as number) + value.value;
    if (at === LATENCY_BUCKETS.length) histogram.count += value.value;
  }
  return groups;
}

/** The SLI histograms a service has observed anything in, and its memory. */
export async function sliReadingOf(metrics: ServiceMetrics): Promise<SliReading> {
  const histograms: Partial<Record<SliHistogramKey, Histogram>> = {};
  for (const [key, series] of Object.entries(SLI_SERIES) as [SliHistogramKey, (typeof SLI_SERIES)[SliHistogramKey]][]) {
    const histogram = (await summed(metrics[series.metric], series.match)).get('');
    if (histogram && histogram.count > 0) histograms[key] = histogram;
  }
  return { histograms, memory: memoryReading() };
}

/** The gateway's request histograms by route, and how many calls it answered, 5xx among them. */
export async function httpReadingOf(metrics: ServiceMetrics): Promise<{ routes: Record<string, Histogram>; total: number; errors: number }> {
  const routes = Object.fromEntries(await summed(metrics.httpRequestSeconds, () => true, 'route'));
  const errors = [...(await summed(metrics.httpRequestSeconds, (l) => /^5\d\d$/.test(String(l['status'])))).values()].reduce((n, h) => n + h.count, 0);
  const total = Object.values(routes).reduce((n, h) => n + h.count, 0);
  return { routes, total, errors };
}

let cgroupLimit: number | null | undefined;

/** The container's memory limit (cgroup v2, then v1), or null when none is set. */
function memoryLimit(): number | null {
  if (cgroupLimit !== undefined) return cgroupLimit;
  cgroupLimit = null;
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const value = Number(readFileSync(path, 'utf8').trim());
      if (Number.isFinite(value) && value > 0 && value < 2 ** 60) cgroupLimit = value;
      break;
    } catch {
      // not this cgroup version (or not Linux): try the next
    }
  }
  return cgroupLimit;
}

export function memoryReading(): MemoryReading {
  const heap = getHeapStatistics();
  return { rssBytes: process.memoryUsage.rss(), limitBytes: memoryLimit(), heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit };
}

/** How near its limit a process is: the container's (resident set over limit) or V8's heap, whichever is nearer. */
export function memoryRatioOf(memory: MemoryReading): number {
  const heap = memory.heapLimitBytes > 0 ? memory.heapUsedBytes / memory.heapLimitBytes : 0;
  return memory.limitBytes ? Math.max(heap, memory.rssBytes / memory.limitBytes) : heap;
}
