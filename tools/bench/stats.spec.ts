import { latencySummary, percentile } from './stats';

describe('bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarises nanoseconds as microseconds', () => {
    expect(latencySummary([3000, 1000, 2000])).toMatchObject({ p50_us: 2, p99_us: 3, n: 3 });
  });
});
