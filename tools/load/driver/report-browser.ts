import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Chromium from the system packages (`apt-get install chromium`); no browser is downloaded. */
export const CHROMIUM = process.env['LH_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway headless browser. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface RenderedChart {
  id: string;
  width: number;
  height: number;
  /** Points of each drawn series, as the page holds them. */
  seriesPoints: number[];
  /** Series whose path really has extent on screen (not a degenerate line). */
  visibleSeries: number;
}

export interface RenderedReport {
  title: string;
  charts: RenderedChart[];
  targets: Array<{ id: string; verdict: string }>;
  /** Requests the page tried to make (it must make none: everything is inline). */
  requests: string[];
  consoleErrors: string[];
}

/** Opens a report in headless Chromium and reads back what it drew; optionally a full-page screenshot. */
export async function inspectReport(htmlFile: string, screenshot?: string): Promise<RenderedReport> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'lh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    const url = pathToFileURL(htmlFile).href;
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(url, { waitUntil: 'load' });
    const read = await page.evaluate(readPage);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { ...read, requests, consoleErrors };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// What the page drew, read inside the browser. The workspace compiles without the DOM library
// (a Node program), so the few DOM shapes used here are described structurally.
interface Box {
  width: number;
  height: number;
}
interface El {
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  getBoundingClientRect(): Box;
  getBBox(): Box;
  getTotalLength(): number;
  textContent: string | null;
}

function readPage(): Omit<RenderedReport, 'requests' | 'consoleErrors'> {
  const doc = (globalThis as unknown as { document: El & { title: string } }).document;
  return {
    title: doc.title,
    charts: Array.from(doc.querySelectorAll('figure.chart')).map((figure) => {
      const box = (figure.querySelector('svg') as El).getBoundingClientRect();
      const paths = Array.from(figure.querySelectorAll('path.series'));
      return {
        id: figure.getAttribute('data-chart') ?? '',
        width: box.width,
        height: box.height,
        seriesPoints: paths.map((p) => Number(p.getAttribute('data-points'))),
        visibleSeries: paths.filter((p) => {
          const b = p.getBBox();
          return p.getTotalLength() > 0 && (b.width > 0 || b.height > 0);
        }).length,
      };
    }),
    targets: Array.from(doc.querySelectorAll('tr[data-target]')).map((row) => ({ id: row.getAttribute('data-target') ?? '', verdict: row.querySelector('td:nth-child(4)')?.textContent ?? '' })),
  };
}
