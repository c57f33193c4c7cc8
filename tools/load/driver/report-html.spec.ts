import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, inspectReport, type RenderedReport } from './report-browser';
import { renderReport } from './report-html';
import { LoadResultSchema } from './result';
import { loadScenario } from './scenario';

// The HTML report, rendered from a recorded run (fixtures/result-40-agents.json: 40 agents for
// 10 s on the local stack; re-record it with `npm run load -- --agents 40 --duration 10s --report
// <dir>` when the result schema changes) and opened in a real headless Chromium.
const repo = join(__dirname, '..', '..', '..');
const scenario = loadScenario(repo);
const result = LoadResultSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'result-40-agents.json'), 'utf8')));
const html = renderReport(result, scenario);

describe('the HTML report', () => {
  it('is one self-contained page: no script, no stylesheet or image from elsewhere', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('escapes what it shows', () => {
    const hostile = { ...result, run: { ...result.run, command: 'npm run load -- <img src=x onerror=alert(1)>' } };
    expect(renderReport(hostile, scenario)).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

// Chromium comes from the system packages (.ci/run installs it). Without it, say so and skip,
// except in CI where a missing browser is a failure.
const browser = existsSync(CHROMIUM) || process.env['CI'] ? describe : describe.skip;
if (!existsSync(CHROMIUM) && !process.env['CI']) process.stderr.write(`report-html.spec: no Chromium at ${CHROMIUM} (apt-get install -y chromium); the browser checks are skipped\n`);

browser('the HTML report in headless Chromium', () => {
  let dir: string;
  let rendered: RenderedReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-load-report-'));
    writeFileSync(join(dir, 'report.html'), html);
    rendered = await inspectReport(join(dir, 'report.html'), join(dir, 'report.png'));
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with data: throughput, p99 overview, two per operation, appends, CPU and memory', () => {
    const ids = rendered.charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['throughput', 'p99-overview', 'event-append-p95', 'event-append-rate', 'process-cpu', 'process-rss']));
    for (const op of result.operations) expect(ids).toEqual(expect.arrayContaining([`latency-${op.op}`, `percentiles-${op.op}`]));
    for (const chart of rendered.charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.seriesPoints.length).toBeGreaterThan(0);
      expect(Math.max(...chart.seriesPoints)).toBeGreaterThan(0);
    }
  });

  it('draws lines that have extent on screen where there is more than one point', () => {
    const lines = rendered.charts.filter((c) => Math.max(...c.seriesPoints) > 1);
    expect(lines.length).toBeGreaterThan(10);
    for (const chart of lines) expect(chart.visibleSeries).toBeGreaterThan(0);
    const cpu = rendered.charts.find((c) => c.id === 'process-cpu');
    expect(cpu?.seriesPoints.length).toBe(result.processes.length);
  });

  it('shows the targets table with a verdict for each target', () => {
    expect(rendered.targets.map((t) => t.id)).toEqual(scenario.targets.map((t) => t.id));
    for (const t of rendered.targets) expect(['pass', 'FAIL', 'n/a']).toContain(t.verdict);
    expect(rendered.title).toBe(`Lighthouse load test: ${result.run.agents} agents, ${result.run.durationS} s`);
  });

  it('asks the network for nothing and logs no error', () => {
    expect(rendered.requests).toEqual([]);
    expect(rendered.consoleErrors).toEqual([]);
    expect(existsSync(join(dir, 'report.png'))).toBe(true);
  });
});
