import { request } from 'node:http';
import { histogramCount, histogramDelta, histogramQuantileMs, parseHistogram, type Histogram } from './histogram';

/** The event store's own handling time of an append (it answers after fdatasync). */
const METRIC = 'lh_nats_handle_seconds';
const APPEND_SUBJECT = 'lh.events.cmd.append.v1';

export interface AppendPoint {
  t: number;
  /** Appends handled in this interval (each may carry several events). */
  n: number;
  p95Ms: number;
}

/**
 * Scrapes the event store's `/metrics` (its ops port) every second during a run: the append
 * histogram at the start and end gives the run's figures, the deltas a series over time.
 */
export class EventStoreMetrics {
  readonly points: AppendPoint[] = [];
  first?: Histogram;
  last?: Histogram;
  private timer?: NodeJS.Timeout;
  private previous?: Histogram;

  constructor(
    private readonly url: string,
    private readonly clock: () => number,
  ) {}

  async start(): Promise<void> {
    this.first = this.previous = await this.scrape();
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  async stop(): Promise<Histogram | undefined> {
    clearInterval(this.timer);
    this.last = await this.scrape().catch(() => this.previous);
    return this.first && this.last ? histogramDelta(this.last, this.first) : undefined;
  }

  private async tick(): Promise<void> {
    const t = this.clock();
    const now = await this.scrape().catch(() => undefined);
    if (!now || !this.previous) return;
    const delta = histogramDelta(now, this.previous);
    this.previous = now;
    const n = histogramCount(delta);
    this.points.push({ t: Math.round(t), n, p95Ms: n > 0 ? round3(histogramQuantileMs(delta, 0.95)) : 0 });
  }

  private async scrape(): Promise<Histogram> {
    const text = await get(this.url);
    return parseHistogram(text, METRIC, { subject: APPEND_SUBJECT });
  }
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${url}: ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer`)));
    req.on('error', reject);
    req.end();
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
