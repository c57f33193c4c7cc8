import type { LoadResult } from './result';
import { fmtMs } from './format';

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** What the driver prints at the end: the targets, then every operation. */
export function printable(result: LoadResult): string {
  const verdict = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'pass' : 'FAIL');
  const targets = table(
    ['target', 'limit', 'measured', '', 'detail'],
    result.targets.map((t) => [t.title, t.limit, t.value, verdict(t.pass), t.detail ?? '']),
  );
  const ops = table(
    ['operation', 'n', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p99 ×base', 'errors'],
    result.operations.map((o) => [o.op + (o.longPoll ? ' (long poll)' : ''), String(o.n), String(o.perS), fmtMs(o.p50), fmtMs(o.p95), fmtMs(o.p99), fmtMs(o.max), String(o.p99VsBaseline ?? '–'), String(o.n - o.okN)]),
  );
  const procs = result.processes.length
    ? table(
        ['process', 'mean CPU %', 'peak CPU %', 'peak RSS MiB', 'limit MiB'],
        result.processes.map((p) => [p.name, String(p.meanCpuPct), String(p.peakCpuPct), String(p.peakRssMiB), String(p.limitMiB ?? '–')]),
      )
    : '';
  const { run } = result;
  const head = `Lighthouse load: ${run.agents} agents (${run.experts} experts), ${run.durationS} s against ${run.gatewayUrl}; load average ${run.machine.loadAvgStart.map((x) => x.toFixed(1)).join(' ')} → ${run.machine.loadAvgEnd.map((x) => x.toFixed(1)).join(' ')} on ${run.machine.cpus} CPUs`;
  const stack = result.stack ? `stack (driver and shared servers left out): peak RSS ${result.stack.peakRssMiB} MiB, mean CPU ${result.stack.meanCpuPct} % of a core` : '';
  return [head, contentionNote(result), '', targets, '', ops, '', procs, stack, costLine(result), natsLine(result), driverLine(result)].filter((s, i, all) => s !== '' || all[i - 1] !== '').join('\n');
}

/** The noise-resistant figures: CPU per request and what it projects to. */
export function costLine(result: LoadResult): string {
  const cost = result.cost;
  if (!cost) return '';
  const by = Object.entries(cost.byProcess)
    .sort(([, a], [, b]) => b - a)
    .map(([name, ms]) => `${name} ${fmtMs(ms)}`)
    .join(', ');
  return `stack CPU per request: ${fmtMs(cost.cpuMsPerRequest)} ms above idle (${by}); ${cost.requests} requests in ${result.run.durationS} s; projected ceiling with all ${result.run.machine.cpus} cores to the stack: ≈${cost.projectedMaxPerSecond} requests/s`;
}

/** NATS messages per request of the agents (a private NATS only), the busiest connections first. */
export function natsLine(result: LoadResult): string {
  const nats = result.nats;
  if (!nats) return '';
  const by = Object.entries(nats.byConnection)
    .sort(([, a], [, b]) => b.published + b.delivered - (a.published + a.delivered))
    .map(([name, c]) => `${name} ${c.published}/${c.delivered}`)
    .join(', ');
  return `NATS per request: ${nats.publishedPerRequest} messages published, ${nats.deliveredPerRequest} delivered, ${nats.bytesPerRequest} bytes (published/delivered by connection: ${by})`;
}

export function driverLine(result: LoadResult): string {
  const d = result.driver;
  return d ? `load driver event-loop delay: p50 ${fmtMs(d.loopDelayP50Ms)} ms, p99 ${fmtMs(d.loopDelayP99Ms)} ms, max ${fmtMs(d.loopDelayMaxMs)} ms (client-side wait included in the latencies)` : '';
}

/**
 * A warning when the machine was busy with other work: a load average well over the CPU count
 * (or a stalled driver) means latencies mostly measure waiting for a CPU, not the bridge.
 */
export function contentionNote(result: LoadResult): string {
  const { cpus, loadAvgStart, loadAvgEnd } = result.run.machine;
  const perCpu = Math.max(loadAvgStart[0] ?? 0, loadAvgEnd[0] ?? 0) / cpus;
  const stall = result.driver?.loopDelayMaxMs ?? 0;
  if (perCpu < 1.5 && stall < 250) return '';
  return `note: the machine was busy (load average up to ${(perCpu * cpus).toFixed(1)} on ${cpus} CPUs${stall >= 250 ? `, the driver stalled up to ${fmtMs(stall)} ms` : ''}): latencies include waiting for a CPU; compare p99 ×baseline and CPU per request`;
}
