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

/** One reading of a process from /proc. */
export interface ProcReading {
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Resident memory now and at its peak, KiB. */
  rssKiB: number;
  peakRssKiB: number;
}

/** CPU ticks and resident memory of a process; undefined once it is gone. */
export function readProc(pid: number): ProcReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { ticks, rssKiB: kib('VmRSS'), peakRssKiB: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (NaN once it is gone). */
export const cpuSecondsOf = (pid: number): number => {
  const reading = readProc(pid);
  return reading ? reading.ticks / TICKS_PER_S : Number.NaN;
};

/** Resident memory of a process, bytes (0 once it is gone). */
export const rssBytesOf = (pid: number): number => (readProc(pid)?.rssKiB ?? 0) * 1024;

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

/** Children of this process whose command name is `comm` (e.g. the nats-server it started). */
export const childPids = (comm: string, parent = process.pid): number[] => childrenNamed(parent, [comm]).map((child) => child.pid);

/**
 * CPU seconds each named process used from this call until the returned function is called,
 * with this process's own as `load_generator`.
 */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const self = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const selfBefore = self();
  return () => {
    const used: Record<string, number> = { load_generator: round2(self() - selfBefore) };
    for (const [name, pid] of Object.entries(pids)) used[name] = round2(cpuSecondsOf(pid) - (before[name] as number));
    return used;
  };
}

/** CPU microseconds per call, by process, from a {@link cpuMeter} reading over `calls` calls. */
export function cpuPerCall(used: Record<string, number>, calls: number): Record<string, number> {
  return Object.fromEntries(Object.entries(used).map(([name, s]) => [name, Math.round((s / calls) * 1e6)]));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

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
