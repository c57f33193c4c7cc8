import { LATENCY_BUCKETS } from '../buckets';
import { histogramDelta, histogramQuantile, type Histogram } from './histogram';

/** A cumulative histogram of these observations (seconds), on the services' buckets. */
export function histogramOf(observations: number[]): Histogram {
  const buckets = [...LATENCY_BUCKETS, Infinity].map((bound) => observations.filter((o) => o <= bound).length);
  return { buckets, count: observations.length };
}

describe('histogramQuantile (as Prometheus computes it)', () => {
  it('interpolates within the bucket holding the rank', () => {
    // given 100 observations: 90 at 3 ms, 10 at 40 ms
    const h = histogramOf([...Array(90).fill(0.003), ...Array(10).fill(0.04)]);
    // then p50 lies in (2.5 ms, 5 ms], p99 in (25 ms, 50 ms]
    expect(histogramQuantile(0.5, LATENCY_BUCKETS, h)).toBeCloseTo(0.0025 + 0.0025 * (50 / 90), 6);
    expect(histogramQuantile(0.99, LATENCY_BUCKETS, h)).toBeCloseTo(0.025 + 0.025 * (9 / 10), 6);
  });

  it('answers the highest finite bound for a rank in +Inf, and null with no observation', () => {
    expect(histogramQuantile(0.99, LATENCY_BUCKETS, histogramOf([20, 30]))).toBe(10);
    expect(histogramQuantile(0.99, LATENCY_BUCKETS, histogramOf([]))).toBeNull();
  });
});

describe('histogramDelta', () => {
  it('is what was observed between two readings', () => {
    const before = histogramOf([0.001]);
    const now = histogramOf([0.001, 0.2, 0.2]);
    expect(histogramDelta(now, before)).toEqual(histogramOf([0.2, 0.2]));
  });

  it('takes a lower reading as a restart: everything in it is new', () => {
    expect(histogramDelta(histogramOf([0.2]), histogramOf([0.001, 0.001]))).toEqual(histogramOf([0.2]));
  });
});
