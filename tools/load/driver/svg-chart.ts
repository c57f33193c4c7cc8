/**
 * Line charts as inline SVG strings: no script, no library, no network, so a report opens from
 * disk anywhere and shows the same picture. Each series is one `<path class="series">` carrying
 * its point count, which the browser test reads back.
 */
export interface ChartSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ChartOptions {
  id: string;
  title: string;
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  /** Horizontal reference lines (targets, limits). */
  rules?: Array<{ y: number; label: string; color: string }>;
  /** The x range to draw (defaults to the data's): charts of one run share the run's time axis. */
  xDomain?: [number, number];
  /** Tick positions and labels of the x axis, when not plain numbers. */
  xTicks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f', '#7c2d12', '#334155'];

const PAD = { left: 58, right: 14, top: 28, bottom: 40 };

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = [...all.map((p) => p[1]), ...(options.rules ?? []).map((r) => r.y)];
  const xMin = options.xDomain?.[0] ?? (options.xTicks ? Math.min(...options.xTicks.map((t) => t.x), ...xs) : Math.min(0, ...xs));
  const xMax = options.xDomain?.[1] ?? Math.max(xMin + 1, ...xs, ...(options.xTicks ?? []).map((t) => t.x));
  const yTicks = niceTicks(0, Math.max(...ys, 0) * 1.08 || 1);
  const yMax = yTicks[yTicks.length - 1] as number;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const xTicks = options.xTicks ?? niceTicks(xMin, xMax).map((x) => ({ x, label: fmt(x) }));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(options.title)}">`,
    `<text x="${PAD.left}" y="16" class="title">${esc(options.title)}</text>`,
    ...yTicks.map((y) => `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${sy(y)}" y2="${sy(y)}" class="grid"/><text x="${PAD.left - 6}" y="${sy(y) + 4}" class="tick" text-anchor="end">${fmt(y)}</text>`),
    ...xTicks.map((t) => `<text x="${sx(t.x)}" y="${height - PAD.bottom + 16}" class="tick" text-anchor="middle">${esc(t.label)}</text>`),
    `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${sy(0)}" y2="${sy(0)}" class="axis"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${sy(0)}" class="axis"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${height - 6}" class="label" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" class="label" text-anchor="middle">${esc(options.yLabel)}</text>`,
    ...(options.rules ?? []).map(
      (r) =>
        `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${sy(r.y)}" y2="${sy(r.y)}" stroke="${r.color}" stroke-dasharray="6 4" class="rule"/><text x="${width - PAD.right - 4}" y="${sy(r.y) - 4}" class="tick" text-anchor="end" fill="${r.color}">${esc(r.label)}</text>`,
    ),
    ...options.series.map((s) => seriesPath(s, sx, sy)),
    legend(options.series, PAD.left + 8, PAD.top + 4, width - PAD.right),
    '</svg>',
  ];
  return `<figure class="chart" data-chart="${esc(options.id)}">${parts.join('')}</figure>`;
}

function seriesPath(s: ChartSeries, sx: (x: number) => number, sy: (y: number) => number): string {
  const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  const dots = s.points.length <= 2 ? s.points.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`).join('') : '';
  return `<path class="series" data-series="${esc(s.name)}" data-points="${s.points.length}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="4 3"' : ''}><title>${esc(s.name)}</title></path>${dots}`;
}

/** One line of swatches and names, wrapping before `right`. */
function legend(series: ChartSeries[], x: number, y: number, right: number): string {
  let at = x;
  let row = y;
  const items = series.map((s) => {
    const w = 22 + s.name.length * 5.6;
    if (at + w > right && at > x) {
      at = x;
      row += 12;
    }
    const item = `<rect x="${at}" y="${row}" width="10" height="3" fill="${s.color}"/><text x="${at + 13}" y="${row + 5}" class="legend">${esc(s.name)}</text>`;
    at += w;
    return item;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

/** About five round tick values from lo to at least hi. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = Math.max(hi - lo, 1e-9);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : String(Number(v.toPrecision(3))));

export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Percentile p (0–100) on a "nines" axis: p50 → 0.3, p90 → 1, p99 → 2, p99.9 → 3, max → 3.5. */
export const ninesX = (p: number): number => (p >= 100 ? 3.5 : Math.min(3.3, -Math.log10(1 - p / 100)));

export const NINES_TICKS = [
  { x: 0, label: 'p0' },
  { x: ninesX(50), label: 'p50' },
  { x: ninesX(90), label: 'p90' },
  { x: ninesX(99), label: 'p99' },
  { x: ninesX(99.9), label: 'p99.9' },
  { x: 3.5, label: 'max' },
];
