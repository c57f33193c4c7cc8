import { readdirSync, readFileSync } from 'node:fs';

/** One second of one process: CPU used in that second (100 = one core) and resident memory. */
export interface ProcPoint {
  t: number;
  cpuPct: number;
  rssMiB: number;
}

export interface ProcSeries {
  name: string;
  pid: number;
  points: ProcPoint[];
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux everywhere we run). */
const TICKS_PER_S = 100;

/** utime + stime of a process in ticks, and its RSS in KiB; undefined once it is gone. */
export function readProc(pid: number): { ticks: number; rssKiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks, rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined;
  }
}

/** Children of `parent` whose command name is one of `names` (e.g. the nats-server we started). */
export function childrenNamed(parent: number, names: readonly string[]): Array<{ pid: number; name: string }> {
  const found: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && names.includes(name)) found.push({ pid: Number(entry), name });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * Samples CPU and memory of the given processes every `intervalMs` from /proc (Linux). CPU is
 * the share of one core over the interval, measured from the process's own tick counters.
 */
export class ProcSampler {
  readonly series: ProcSeries[];
  private timer?: NodeJS.Timeout;
  private last = new Map<number, { ticks: number; at: number }>();

  constructor(
    processes: Array<{ name: string; pid: number }>,
    private readonly clock: () => number,
    private readonly intervalMs = 1000,
  ) {
    this.series = processes.map((p) => ({ ...p, points: [] }));
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const at = this.clock();
    for (const s of this.series) {
      const now = readProc(s.pid);
      if (!now) continue;
      const before = this.last.get(s.pid);
      this.last.set(s.pid, { ticks: now.ticks, at });
      if (!before || at <= before.at) continue;
      const cpuPct = ((now.ticks - before.ticks) / TICKS_PER_S / ((at - before.at) / 1000)) * 100;
      s.points.push({ t: Math.round(at), cpuPct: round1(cpuPct), rssMiB: round1(now.rssKiB / 1024) });
    }
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Each process's CPU (% of a core) over `ms` of doing nothing: the background a cost leaves out. */
export async function idleCpu(processes: Array<{ name: string; pid: number }>, ms = 3000): Promise<Record<string, number>> {
  const before = processes.map((p) => readProc(p.pid));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsedS = (performance.now() - started) / 1000;
  return Object.fromEntries(
    processes.flatMap((p, i) => {
      const a = before[i];
      const b = readProc(p.pid);
      return a && b ? [[p.name, round1(((b.ticks - a.ticks) / TICKS_PER_S / elapsedS) * 100)]] : [];
    }),
  );
}
