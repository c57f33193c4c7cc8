import { readdirSync, readFileSync } from 'node:fs';

/** CPU time and wake-ups of one process so far, summed over its threads. */
export interface SchedReading {
  /** Time on a CPU, ns (the scheduler's own account, not clock ticks). */
  cpuNs: number;
  /** Times a thread went to sleep of its own accord (so was woken again): the event-loop wake-ups and the worker threads'. */
  wakeups: number;
}

/**
 * One process's CPU ns and voluntary context switches from /proc (Linux), over every thread it
 * has now (a thread that ended since the last reading takes its share with it, which is why a
 * run reads over many requests). Undefined once the process is gone.
 */
export function readSched(pid: number): SchedReading | undefined {
  let cpuNs = 0;
  let wakeups = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        cpuNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
        wakeups += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return undefined;
  }
  return { cpuNs, wakeups };
}

/** Per process: CPU ns and wake-ups added up over the windows measured. */
export type SchedTotals = Record<string, SchedReading>;

/** Adds to `totals` what each process used while `work` ran. */
export async function measured<T>(pids: Record<string, number>, totals: SchedTotals, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readSched(pid)]));
  const result = await work();
  for (const [name, pid] of Object.entries(pids)) {
    const a = before[name];
    const b = readSched(pid);
    if (!a || !b) continue;
    const total = (totals[name] ??= { cpuNs: 0, wakeups: 0 });
    total.cpuNs += b.cpuNs - a.cpuNs;
    total.wakeups += b.wakeups - a.wakeups;
  }
  return result;
}

/** µs of CPU and wake-ups per request, by process, from totals over `requests` requests. */
export function perRequest(totals: SchedTotals, requests: number): Record<string, { cpu_us: number; wakeups: number }> {
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, { cpu_us: r1(t.cpuNs / 1000 / requests), wakeups: r1(t.wakeups / requests) }]));
}
