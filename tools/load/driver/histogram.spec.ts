import { histogramDelta, histogramQuantileMs, parseHistogram, shareWithinMs } from './histogram';

const exposition = (okAt5ms: number, okAt10ms: number, total: number) =>
  [
    '# HELP lh_nats_handle_seconds Time to handle one NATS request, by subject and outcome',
    '# TYPE lh_nats_handle_seconds histogram',
    `lh_nats_handle_seconds_bucket{le="0.005",service="event-store",subject="lh.events.cmd.append.v1",outcome="ok"} ${okAt5ms}`,
    `lh_nats_handle_seconds_bucket{le="0.01",service="event-store",subject="lh.events.cmd.append.v1",outcome="ok"} ${okAt10ms}`,
    `lh_nats_handle_seconds_bucket{le="+Inf",service="event-store",subject="lh.events.cmd.append.v1",outcome="ok"} ${total}`,
    'lh_nats_handle_seconds_bucket{le="0.005",service="event-store",subject="lh.events.query.read.v1",outcome="ok"} 999',
    'lh_nats_handle_seconds_bucket{le="+Inf",service="event-store",subject="lh.events.cmd.append.v1",outcome="error"} 1',
  ].join('\n');

describe('Prometheus histogram', () => {
  it('sums the series of one subject over outcomes, ignoring other subjects', () => {
    const h = parseHistogram(exposition(10, 20, 30), 'lh_nats_handle_seconds', { subject: 'lh.events.cmd.append.v1' });
    expect(h.bounds).toEqual([0.005, 0.01, Infinity]);
    expect(h.counts).toEqual([10, 20, 31]);
  });

  it('interpolates a quantile inside its bucket, as histogram_quantile does', () => {
    const h = { bounds: [0.005, 0.01, Infinity], counts: [50, 100, 100] };
    expect(histogramQuantileMs(h, 0.5)).toBeCloseTo(5);
    expect(histogramQuantileMs(h, 0.75)).toBeCloseTo(7.5);
    expect(shareWithinMs(h, 10)).toBe(1);
    expect(shareWithinMs(h, 5)).toBe(0.5);
  });

  it('answers the lower bound of the last finite bucket when the quantile is beyond it', () => {
    expect(histogramQuantileMs({ bounds: [0.005, 0.01, Infinity], counts: [1, 2, 10] }, 0.95)).toBe(10);
  });

  it('measures a run as the difference of two scrapes', () => {
    const before = parseHistogram(exposition(10, 20, 30), 'lh_nats_handle_seconds', { subject: 'lh.events.cmd.append.v1' });
    const after = parseHistogram(exposition(100, 110, 130), 'lh_nats_handle_seconds', { subject: 'lh.events.cmd.append.v1' });
    expect(histogramDelta(after, before).counts).toEqual([90, 90, 100]);
    expect(shareWithinMs(histogramDelta(after, before), 10)).toBe(0.9);
  });

  it('is NaN when nothing was observed', () => {
    expect(histogramQuantileMs({ bounds: [0.01, Infinity], counts: [0, 0] }, 0.95)).toBeNaN();
  });
});
