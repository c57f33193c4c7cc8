import { heapTrend } from './console-watch';

const MB = 1048576;
const series = (minutes: number, bytesAt: (minute: number) => number) => Array.from({ length: minutes * 12 + 1 }, (_, i) => ({ at: i * 5000, bytes: bytesAt(i / 12) }));

describe('a console page\'s heap over a run', () => {
  it('is bounded when it levels off after the warm-up, whatever it held at first', () => {
    const trend = heapTrend(1, series(5, (m) => (m < 0.5 ? 4 * MB + m * 8 * MB : 8 * MB + ((m * 7) % 1) * 0.3 * MB)));
    expect(trend).toMatchObject({ page: 1, samples: 61, bounded: true });
    expect(Math.abs(trend.slopeKBPerMin)).toBeLessThan(200);
  });

  it('is not bounded when it grows steadily (a leak of 1 MB a minute)', () => {
    const trend = heapTrend(2, series(5, (m) => 10 * MB + m * MB));
    expect(trend.bounded).toBe(false);
    expect(trend.slopeKBPerMin).toBe(1024);
    expect(trend).toMatchObject({ firstMB: 10, lastMB: 15, maxMB: 15 });
  });

  it('judges nothing from too few samples', () => {
    expect(heapTrend(3, series(0, () => MB)).bounded).toBe(false);
  });
});
