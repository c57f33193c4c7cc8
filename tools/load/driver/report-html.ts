import type { LoadResult, OperationResult } from './result';
import { targetOperations, type Scenario } from './scenario';
import { NINES_TICKS, PALETTE, esc, lineChart, ninesX } from './svg-chart';
import { fmtMs } from './format';
import { contentionNote, costLine, driverLine, natsLine } from './text-table';

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
 * Targets first (what people look for), then throughput, each operation's latency over time and
 * by percentile, the event store's appends, and the CPU and memory of every process.
 */
export function renderReport(result: LoadResult, scenario: Scenario): string {
  const title = `Lighthouse load test: ${result.run.agents} agents, ${result.run.durationS} s`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    runFacts(result),
    contentionNote(result) ? `<p class="warn">${esc(contentionNote(result))}</p>` : '',
    '<h2>Targets</h2>',
    targetsTable(result),
    costSection(result),
    '<h2>Throughput and latency</h2><div class="grid">',
    throughputChart(result),
    overviewChart(result),
    '</div>',
    '<h2>Operations</h2>',
    operationsTable(result),
    '<div class="grid">',
    ...result.operations.flatMap((op) => operationCharts(op, limitFor(op.op, scenario), result.run.durationS)),
    '</div>',
    eventStoreSection(result),
    processesSection(result),
    errorsSection(result),
    decisionsSection(result),
    `<p class="note">Latencies are measured by the load driver from sending a request to the last byte of its answer, on the same machine as the stack when the run is local: the machine's noise is in them. <code>×baseline</code> is an operation's p99 over the p99 of <code>GET /health/live</code> probed in the same run (no auth, no NATS), a ratio that survives a busy machine better than milliseconds. The event store's append figures come from its own histogram (<code>lh_nats_handle_seconds</code>, subject <code>lh.events.cmd.append.v1</code>, fdatasync included); the p95 is interpolated inside a bucket.</p>`,
    '</body></html>',
  ].join('\n');
}

function runFacts(result: LoadResult): string {
  const { run } = result;
  const rows: Array<[string, string]> = [
    ['when', `${result.startedAt} → ${result.finishedAt}`],
    ['gateway', `${run.gatewayUrl} (${run.mode === 'local' ? 'local stack started by the driver' : 'a running gateway'})`],
    ['agents', `${run.agents} (${run.experts} experts answering delegations, ${run.agents - run.experts} running the mix); sessions opened over the first ${run.rampUpS} s; a step every ${run.thinkSeconds.min}–${run.thinkSeconds.max} s`],
    ['machine', `${run.machine.cpus} CPUs, load average ${run.machine.loadAvgStart.map((x) => x.toFixed(1)).join(' ')} at start, ${run.machine.loadAvgEnd.map((x) => x.toFixed(1)).join(' ')} at end; node ${run.machine.node}`],
    ['command', `<code>${esc(run.command)}</code>`],
  ];
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${k === 'command' ? v : esc(v)}</td></tr>`).join('')}</table>`;
}

function targetsTable(result: LoadResult): string {
  const badge = (pass: boolean | null) => (pass === null ? '<span class="na">n/a</span>' : pass ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>');
  const rows = result.targets.map(
    (t) => `<tr data-target="${esc(t.id)}"><td>${esc(t.title)}</td><td>${esc(t.limit)}</td><td>${esc(t.value)}</td><td>${badge(t.pass)}</td><td class="detail">${esc(t.detail ?? '')}</td></tr>`,
  );
  return `<table class="targets"><thead><tr><th>target</th><th>limit</th><th>measured</th><th></th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operationsTable(result: LoadResult): string {
  const rows = result.operations.map((o) => {
    const errors = o.n - o.okN;
    return `<tr><td><code>${esc(o.op)}</code>${o.longPoll ? ' <small>(long poll)</small>' : ''}</td><td>${esc(routeOf(o))}</td><td>${o.n}</td><td>${o.perS}</td><td>${fmtMs(o.p50)}</td><td>${fmtMs(o.p95)}</td><td>${fmtMs(o.p99)}</td><td>${fmtMs(o.max)}</td><td>${o.p99VsBaseline ?? '–'}</td><td class="${errors > 0 ? 'bad' : ''}">${errors}</td></tr>`;
  });
  return `<table class="ops"><thead><tr><th>operation</th><th>route</th><th>n</th><th>per s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>p99 ×baseline</th><th>errors</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function throughputChart(result: LoadResult): string {
  return lineChart({
    id: 'throughput',
    title: 'Requests answered per second (every operation)',
    series: [{ name: 'requests/s', color: PALETTE[0] as string, points: result.throughput.map((p) => [p.t, p.n]) }],
    xLabel: 'seconds since start',
    yLabel: 'requests/s',
  });
}

function overviewChart(result: LoadResult): string {
  const main = result.operations.filter((o) => !o.longPoll && o.op !== 'baseline.live' && o.series.length > 1).slice(0, PALETTE.length);
  return lineChart({
    id: 'p99-overview',
    title: 'p99 latency over time, by operation',
    series: main.map((o, i) => ({ name: o.op, color: PALETTE[i % PALETTE.length] as string, points: o.series.map((p) => [p.t, p.p99]) })),
    xLabel: 'seconds since start',
    yLabel: 'ms',
  });
}

function costSection(result: LoadResult): string {
  const lines = [costLine(result), natsLine(result), driverLine(result)].filter((l) => l !== '');
  return lines.length ? `<p class="cost">${lines.map(esc).join('<br>')}</p>` : '';
}

function operationCharts(op: OperationResult, limitMs: number | undefined, durationS: number): string[] {
  const rules = limitMs === undefined ? [] : [{ y: limitMs, label: `target ${limitMs} ms`, color: '#b91c1c' }];
  return [
    `<div class="card" data-op="${esc(op.op)}"><h3><code>${esc(op.op)}</code> <small>${esc(routeOf(op))} · n=${op.n} · p99 ${fmtMs(op.p99)} ms</small></h3>`,
    lineChart({
      id: `latency-${op.op}`,
      title: 'latency over time',
      series: [
        { name: 'p50', color: PALETTE[2] as string, points: op.series.map((p) => [p.t, p.p50]) },
        { name: 'p95', color: PALETTE[0] as string, points: op.series.map((p) => [p.t, p.p95]) },
        { name: 'p99', color: PALETTE[1] as string, points: op.series.map((p) => [p.t, p.p99]) },
      ],
      rules,
      xDomain: [0, durationS],
      xLabel: 'seconds since start',
      yLabel: 'ms',
      width: 310,
      height: 180,
    }),
    lineChart({
      id: `percentiles-${op.op}`,
      title: 'latency by percentile',
      series: [{ name: 'latency', color: PALETTE[3] as string, points: op.percentiles.map(([p, ms]) => [ninesX(p), ms]) }],
      rules,
      xTicks: NINES_TICKS,
      xLabel: 'percentile',
      yLabel: 'ms',
      width: 310,
      height: 180,
    }),
    '</div>',
  ];
}

function eventStoreSection(result: LoadResult): string {
  const store = result.eventStore;
  if (!store) return `<h2>Event store appends</h2><p class="na-text">n/a: the event store's metrics were not readable in this run.</p>`;
  const figures = `<p>${store.appends} appends; p50 ≈ ${fmtMs(store.p50Ms)} ms, p95 ≈ ${fmtMs(store.p95Ms)} ms, p99 ≈ ${fmtMs(store.p99Ms)} ms; ${(store.shareWithin10ms * 100).toFixed(1)} % within 10 ms.</p>`;
  return [
    '<h2>Event store appends</h2>',
    figures,
    '<div class="grid">',
    lineChart({
      id: 'event-append-p95',
      title: 'append p95 over time (event store histogram)',
      series: [{ name: 'p95', color: PALETTE[0] as string, points: store.series.filter((p) => p.n > 0).map((p) => [p.t, p.p95Ms]) }],
      rules: [{ y: 10, label: 'target 10 ms', color: '#b91c1c' }],
      xLabel: 'seconds since start',
      yLabel: 'ms',
    }),
    lineChart({
      id: 'event-append-rate',
      title: 'appends per second',
      series: [{ name: 'appends/s', color: PALETTE[2] as string, points: store.series.map((p) => [p.t, p.n]) }],
      xLabel: 'seconds since start',
      yLabel: 'appends/s',
    }),
    '</div>',
  ].join('\n');
}

function processesSection(result: LoadResult): string {
  if (result.processes.length === 0) return '<h2>Processes</h2><p class="na-text">n/a: no process was sampled (a remote gateway).</p>';
  const procs = result.processes;
  const color = (i: number) => PALETTE[i % PALETTE.length] as string;
  const rows = procs.map(
    (p) =>
      `<tr><td>${esc(p.name)}</td><td>${p.pid}</td><td>${p.meanCpuPct}</td><td>${p.peakCpuPct}</td><td>${p.peakRssMiB}</td><td>${p.limitMiB ?? '–'}</td><td class="${p.limitMiB !== null && p.peakRssMiB > p.limitMiB ? 'bad' : ''}">${p.limitMiB ? `${Math.round((p.peakRssMiB / p.limitMiB) * 100)} %` : '–'}</td></tr>`,
  );
  const stack = result.stack ? `<p>Whole stack (load driver left out): peak RSS ${result.stack.peakRssMiB} MiB, mean CPU ${result.stack.meanCpuPct} % of one core.</p>` : '';
  return [
    '<h2>Processes</h2>',
    stack,
    `<table class="procs"><thead><tr><th>process</th><th>pid</th><th>mean CPU %</th><th>peak CPU %</th><th>peak RSS MiB</th><th>Helm limit MiB</th><th>of limit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '<div class="grid">',
    lineChart({
      id: 'process-cpu',
      title: 'CPU by process (100 % = one core)',
      series: procs.map((p, i) => ({ name: p.name, color: color(i), points: p.series.map((x) => [x.t, x.cpuPct]) })),
      xLabel: 'seconds since start',
      yLabel: '% of a core',
    }),
    lineChart({
      id: 'process-rss',
      title: 'resident memory by process',
      series: procs.map((p, i) => ({ name: p.name, color: color(i), points: p.series.map((x) => [x.t, x.rssMiB]) })),
      xLabel: 'seconds since start',
      yLabel: 'MiB',
    }),
    '</div>',
  ].join('\n');
}

function errorsSection(result: LoadResult): string {
  if (result.errors.rows.length === 0) return '<h2>Errors</h2><p>None.</p>';
  const rows = result.errors.rows.map(
    (r) => `<tr class="${r.deliberate ? '' : 'bad'}"><td><code>${esc(r.op)}</code></td><td>${r.status}</td><td>${esc(r.code)}</td><td>${r.n}</td><td>${r.deliberate ? 'deliberate' : 'unexpected'}</td></tr>`,
  );
  return `<h2>Errors by code</h2><table class="errors"><thead><tr><th>operation</th><th>status</th><th>code</th><th>n</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function decisionsSection(result: LoadResult): string {
  const kinds = Object.entries(result.decisions);
  if (kinds.length === 0) return '';
  const rows = kinds.map(([kind, counts]) => `<tr><td>${esc(kind)}</td><td>${Object.entries(counts).sort(([, a], [, b]) => b - a).map(([k, n]) => `${esc(k)} ×${n}`).join(', ')}</td></tr>`);
  return `<h2>Validation answers by kind (decision/tier)</h2><table class="decisions"><tbody>${rows.join('')}</tbody></table>`;
}

const routeOf = (o: OperationResult) => (o.derived ? o.route : `${o.method} ${o.route}`);

/** The tightest latency target that covers an operation, in ms. */
function limitFor(op: string, scenario: Scenario): number | undefined {
  const limits = scenario.targets.filter((t) => t.maxMs !== undefined && !t.source && targetOperations(scenario, t).includes(op)).map((t) => t.maxMs as number);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#0f172a;background:#fff;max-width:1400px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}h3{font-size:14px;margin:0 0 4px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f8fafc;font-weight:600}
td:nth-child(n+3){font-variant-numeric:tabular-nums}.facts th{width:90px}
.pass{background:#dcfce7;color:#166534;padding:1px 6px;border-radius:4px;font-weight:600}.fail{background:#fee2e2;color:#991b1b;padding:1px 6px;border-radius:4px;font-weight:700}
.na{background:#f1f5f9;color:#475569;padding:1px 6px;border-radius:4px}.bad{color:#b91c1c;font-weight:600}.detail{color:#475569;font-size:12px;max-width:480px}
.grid{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #e2e8f0;border-radius:6px;padding:8px}.card .chart{display:inline-block}
figure.chart{margin:0}svg .title{font-size:13px;font-weight:600;fill:#0f172a}svg .tick{font-size:10px;fill:#475569}svg .label{font-size:11px;fill:#334155}
svg .legend text,svg text.legend{font-size:10px;fill:#334155}svg .grid{stroke:#eef2f7}svg .axis{stroke:#94a3b8}
.warn{background:#fef9c3;border-left:3px solid #ca8a04;padding:6px 10px;max-width:1100px}.cost{background:#f8fafc;border-left:3px solid #2563eb;padding:6px 10px;max-width:1100px}.note{color:#475569;font-size:12px;max-width:900px}.na-text{color:#475569}code{font-size:12px}
`;
