import type { LoadResult } from './result';

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
    result.operations.map((o) => [o.op + (o.longPoll ? ' (long poll)' : ''), String(o.n), String(o.perS), String(o.p50), String(o.p95), String(o.p99), String(o.max), String(o.p99VsBaseline ?? '–'), String(o.n - o.okN)]),
  );
  const procs = result.processes.length
    ? table(
        ['process', 'mean CPU %', 'peak CPU %', 'peak RSS MiB', 'limit MiB'],
        result.processes.map((p) => [p.name, String(p.meanCpuPct), String(p.peakCpuPct), String(p.peakRssMiB), String(p.limitMiB ?? '–')]),
      )
    : '';
  const { run } = result;
  const head = `Lighthouse load: ${run.agents} agents (${run.experts} experts), ${run.durationS} s against ${run.gatewayUrl}; load average ${run.machine.loadAvgStart.map((x) => x.toFixed(1)).join(' ')} → ${run.machine.loadAvgEnd.map((x) => x.toFixed(1)).join(' ')} on ${run.machine.cpus} CPUs`;
  const stack = result.stack ? `stack (driver left out): peak RSS ${result.stack.peakRssMiB} MiB, mean CPU ${result.stack.meanCpuPct} % of a core` : '';
  return [head, '', targets, '', ops, '', procs, stack].filter((s, i, all) => s !== '' || all[i - 1] !== '').join('\n');
}
