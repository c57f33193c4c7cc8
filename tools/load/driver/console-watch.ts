import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM } from './report-browser';
import type { Credentials, GatewayClient } from './gateway-client';

/** What `--browsers N` adds to a load run: the console kept open and measured while the agents work. */
export interface ConsoleFigures {
  bench: 'console';
  agents: number;
  durationS: number;
  browsers: number;
  /** From the probe event's POST until its row shows in each page (ms), over every page and probe. */
  eventToPage: { n: number; missed: number; missedButShownLater: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null; targetP95Ms: 1000; pass: boolean | null };
  /** Each page's JS heap (CDP Runtime.getHeapUsage after a GC), sampled every few seconds. */
  heap: Array<{ page: number; samples: number; firstMB: number; lastMB: number; maxMB: number; slopeKBPerMin: number; bounded: boolean }>;
  bounded: boolean;
  /** Same run: the probe event's POST answered (committed), before any console work: the floor under eventToPage. */
  baseline: { appendAckP50Ms: number | null; appendAckP95Ms: number | null };
  /**
   * Each page's own main-thread work over the run (CDP Performance metrics, first sample to last):
   * ms of tasks, script, layout and style recalculation per second of wall time (1000 = one core busy).
   */
  pageWork: Array<{ page: number; taskMsPerS: number; scriptMsPerS: number; layoutMsPerS: number; styleMsPerS: number; layouts: number }>;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PROBE_EVERY_MS = 2000;
const HEAP_EVERY_MS = 5000;
const APPEAR_TIMEOUT_MS = 10_000;

interface Watched {
  page: Page;
  cdp: CDPSession;
  heap: Array<{ at: number; bytes: number }>;
  work: Array<{ at: number; metrics: Record<string, number> }>;
}

/**
 * N headless Chromium pages signed in to the console's timeline, filtered to the run's probe
 * stream: every {@link PROBE_EVERY_MS} a probe agent records an event and each page is timed until
 * the event's row appears (live, over the console's SSE, among everything the agents do); each
 * page's heap is sampled and its trend over the run judged (bounded: no growth beyond noise).
 */
export class ConsoleWatch {
  private readonly latencies: number[] = [];
  private readonly acks: number[] = [];
  private missed = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly contexts: BrowserContext[],
    private readonly watched: Watched[],
    private readonly client: GatewayClient,
    private readonly probe: Credentials,
    private readonly stream: string,
    private readonly sightings: Sightings,
  ) {}

  static async start(options: { gatewayUrl: string; adminSecret: string; browsers: number; client: GatewayClient; runId: string }): Promise<ConsoleWatch> {
    const { client, runId } = options;
    const agentId = `console-probe-${runId}`;
    const issued = await client.plain<{ credential: string }>('POST', '/admin/agents', { body: { agentId }, bearer: options.adminSecret });
    if (issued.status !== 201) throw new Error(`console watch: issuing the probe's credential answered ${issued.status}`);
    const session = await client.plain<Credentials>('POST', '/sessions', { body: { agentId, credential: issued.body.credential } });
    if (session.status !== 201) throw new Error(`console watch: the probe's session answered ${session.status}`);
    const stream = `console-probe-${runId}`;
    const sightings = new Sightings();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    const contexts: BrowserContext[] = [];
    const watched: Watched[] = [];
    try {
      for (let i = 0; i < options.browsers; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
        contexts.push(context);
        const page = await context.newPage();
        // The page says when a probe's row shows (its own clock, the machine's, not the driver's
        // polling: a busy driver or Playwright's 500 ms re-polls would add to what is measured).
        const index = i;
        await page.exposeBinding('__lhProbeSeen', (_source, n: number, at: number) => sightings.seen(index, n, at));
        await page.addInitScript({ content: watchRowsScript(stream) });
        await signIn(page, options.gatewayUrl, `watcher-${i + 1}`, options.adminSecret);
        await page.getByRole('link', { name: /^Timeline/ }).click();
        await page.getByLabel('Filter the live timeline').fill(stream);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        watched.push({ page, cdp, heap: [], work: [] });
      }
    } catch (error) {
      await browser.close();
      throw error;
    }
    return new ConsoleWatch(browser, contexts, watched, client, session.body, stream, sightings);
  }

  /** Probes and samples until `over()`. */
  async run(over: () => boolean): Promise<void> {
    const heap = (async () => {
      while (!over()) {
        await Promise.all(this.watched.map((w) => this.sampleHeap(w)));
        await sleep(HEAP_EVERY_MS);
      }
    })();
    for (let n = 1; !over(); n++) {
      const next = Date.now() + PROBE_EVERY_MS;
      await this.probeOnce(n);
      await sleep(Math.max(0, next - Date.now()));
    }
    await heap;
  }

  async stop(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
  }

  figures(agents: number, durationS: number): ConsoleFigures {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const p95 = quantile(sorted, 0.95);
    const heap = this.watched.map((w, i) => heapTrend(i + 1, w.heap));
    const acks = [...this.acks].sort((a, b) => a - b);
    return {
      bench: 'console',
      agents,
      durationS,
      browsers: this.watched.length,
      eventToPage: { n: sorted.length, missed: this.missed, missedButShownLater: this.sightings.late, p50Ms: quantile(sorted, 0.5), p95Ms: p95, maxMs: quantile(sorted, 1), targetP95Ms: 1000, pass: p95 === null ? null : p95 < 1000 && this.missed === 0 },
      heap,
      bounded: heap.every((h) => h.bounded),
      baseline: { appendAckP50Ms: quantile(acks, 0.5), appendAckP95Ms: quantile(acks, 0.95) },
      pageWork: this.watched.map((w, i) => pageWork(i + 1, w.work)),
    };
  }

  private async probeOnce(n: number): Promise<void> {
    const marker = `${this.stream}-${n}`;
    const startedAt = Date.now();
    const started = performance.now();
    const appeared = this.watched.map((_, page) => this.sightings.wait(page, n, APPEAR_TIMEOUT_MS).then((at) => at - startedAt));
    const posted = await this.client.agentCall(this.probe, 'POST', '/events', { body: { type: 'console.probe', stream: marker, data: { n } }, timeoutMs: 10_000 });
    if (posted.status !== 201) {
      this.missed += this.watched.length;
      await Promise.allSettled(appeared);
      return;
    }
    this.acks.push(performance.now() - started);
    for (const outcome of await Promise.allSettled(appeared)) {
      if (outcome.status === 'fulfilled') this.latencies.push(Math.max(0, outcome.value));
      else this.missed += 1;
    }
  }

  private async sampleHeap(w: Watched): Promise<void> {
    try {
      const { metrics } = (await w.cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      w.work.push({ at: Date.now(), metrics: Object.fromEntries(metrics.map((m) => [m.name, m.value])) });
    } catch {
      // as below
    }
    try {
      await w.cdp.send('HeapProfiler.collectGarbage');
      const usage = (await w.cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      w.heap.push({ at: Date.now(), bytes: usage.usedSize });
    } catch {
      // a page busy past its deadline: this sample is skipped
    }
  }
}

/**
 * When each page showed each probe (page clock, ms since the epoch). A probe a page showed after
 * its wait timed out counts in {@link late}: the page was slow, not the event lost.
 */
export class Sightings {
  late = 0;
  private readonly shown = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly given = new Set<string>();

  seen(page: number, n: number, at: number): void {
    const key = `${page}:${n}`;
    if (this.shown.has(key)) return;
    this.shown.set(key, at);
    if (this.given.has(key)) this.late += 1;
    this.waiting.get(key)?.(at);
  }

  wait(page: number, n: number, timeoutMs: number): Promise<number> {
    const key = `${page}:${n}`;
    const at = this.shown.get(key);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        this.given.add(key);
        reject(new Error(`page ${page + 1} did not show probe ${n} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (seenAt) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(seenAt);
      });
    });
  }
}

/**
 * Runs in each page before its scripts: tells the driver (binding `__lhProbeSeen`) the first time
 * a row of the timeline table shows the probe stream `<stream>-<n>`, with the page's Date.now().
 * (Page code, so a string: the driver is compiled without the DOM's types.)
 */
export const watchRowsScript = (stream: string): string => `(() => {
  const stream = ${JSON.stringify(stream)};
  const reported = new Set();
  const look = (node) => {
    const element = node instanceof Element ? node : node && node.parentElement;
    if (!element || !element.closest('[data-testid="timeline"]')) return;
    const text = node.textContent || '';
    if (!text.includes(stream)) return;
    const at = Date.now();
    for (let i = text.indexOf(stream + '-'); i >= 0; i = text.indexOf(stream + '-', i + 1)) {
      const n = Number(/^\\d+/.exec(text.slice(i + stream.length + 1))?.[0]);
      if (!Number.isFinite(n) || reported.has(n)) continue;
      reported.add(n);
      window.__lhProbeSeen(n, at);
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') look(record.target);
      else for (const node of record.addedNodes) look(node);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

async function signIn(page: Page, base: string, name: string, secret: string): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Operator secret').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/console/agents');
  await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });
}

/** A page's main-thread work between its first and last metrics sample (durations are in seconds). */
export function pageWork(page: number, samples: Array<{ at: number; metrics: Record<string, number> }>): ConsoleFigures['pageWork'][number] {
  const first = samples[0];
  const last = samples.at(-1);
  const wallS = first && last ? (last.at - first.at) / 1000 : 0;
  const rate = (name: string) => (wallS > 0 ? Math.round(((((last!.metrics[name] ?? 0) - (first!.metrics[name] ?? 0)) * 1000) / wallS) * 10) / 10 : 0);
  const layouts = first && last ? (last.metrics['LayoutCount'] ?? 0) - (first.metrics['LayoutCount'] ?? 0) : 0;
  return { page, taskMsPerS: rate('TaskDuration'), scriptMsPerS: rate('ScriptDuration'), layoutMsPerS: rate('LayoutDuration'), styleMsPerS: rate('RecalcStyleDuration'), layouts };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number): number | null => (sorted.length === 0 ? null : Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) * 10) / 10);

/**
 * A page's heap over the run: least-squares slope over the samples after the first fifth (warm-up:
 * the snapshot and the first events fill the page's bounded buffers). Bounded when what the slope
 * would add over the whole run stays under max(2 MB, 10% of the median heap).
 */
export function heapTrend(page: number, samples: Array<{ at: number; bytes: number }>): ConsoleFigures['heap'][number] {
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  const steady = samples.slice(Math.floor(samples.length / 5));
  const n = steady.length;
  let slope = 0;
  if (n >= 3) {
    const t0 = steady[0]!.at;
    const xs = steady.map((s) => (s.at - t0) / 60_000);
    const ys = steady.map((s) => s.bytes);
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    slope = den === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) / den;
  }
  const bytes = samples.map((s) => s.bytes).sort((a, b) => a - b);
  const median = bytes[Math.floor(bytes.length / 2)] ?? 0;
  const spanMin = samples.length > 1 ? (samples.at(-1)!.at - samples[0]!.at) / 60_000 : 0;
  return {
    page,
    samples: samples.length,
    firstMB: mb(samples[0]?.bytes ?? 0),
    lastMB: mb(samples.at(-1)?.bytes ?? 0),
    maxMB: mb(bytes.at(-1) ?? 0),
    slopeKBPerMin: Math.round(slope / 1024),
    bounded: n >= 3 && slope * spanMin < Math.max(2 * 1048576, 0.1 * median),
  };
}
