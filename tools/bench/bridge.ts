// Shared by the benchmarks that drive the built bridge through its gateway (delegation,
// speed-layer): agents with sessions, an open-loop load generator that keeps a tag per call,
// CPU time per process over a phase, and a raw NATS echo responder process for the baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentClient, issueCredential, type Prepared } from '../e2e/agent-client';
import { latencySummary, percentile } from './stats';

export const log = (bench: string) => (line: string) => process.stderr.write(`[bench ${bench}] ${line}\n`);

/** Milliseconds, three decimals. */
export const ms3 = (us: number) => Math.round(us) / 1000;

/** p50/p95/p99 in milliseconds of samples in nanoseconds. */
export function msSummary(samplesNs: readonly number[]): { p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number; n: number } {
  const s = latencySummary(samplesNs);
  const max = samplesNs.reduce((m, x) => (x > m ? x : m), 0);
  return { p50_ms: ms3(s.p50_us), p95_ms: ms3(s.p95_us), p99_ms: ms3(s.p99_us), max_ms: Math.round(max / 1000) / 1000, n: s.n };
}

/** p50/p99 of values already in milliseconds (e.g. the service's own `latencyMs`). */
export function msValues(values: readonly number[]): { p50_ms: number; p99_ms: number; max_ms: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50_ms: r(percentile(sorted, 50)), p99_ms: r(percentile(sorted, 99)), max_ms: r(sorted[sorted.length - 1] ?? Number.NaN), n: sorted.length };
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Issues credentials and opens sessions for `count` agents, 100 at a time. */
export async function openAgents(gatewayUrl: string, adminSecret: string, count: number, prefix: string): Promise<AgentClient[]> {
  const agents: AgentClient[] = [];
  for (let i = 0; i < count; i += 100) {
    const ids = Array.from({ length: Math.min(100, count - i) }, (_, j) => `${prefix}-${i + j}`);
    const batch = await Promise.all(
      ids.map(async (id) => {
        const agent = new AgentClient(gatewayUrl, id, await issueCredential(gatewayUrl, adminSecret, id));
        const started = await agent.start();
        if (started.status !== 201) throw new Error(`session for ${id}: ${started.status} ${JSON.stringify(started.body)}`);
        return agent;
      }),
    );
    agents.push(...batch);
  }
  return agents;
}

/**
 * HTTP/1.1 keep-alive connections to the gateway, at most `maxSockets` in use (default: one per
 * agent). The e2e client opens a connection for every request that finds none free, which under
 * overload means tens of thousands of sockets (EMFILE) and a load generator busy connecting, and
 * node's own agent queue costs O(n) per abandoned request. Here a request waits in a plain FIFO
 * for a connection (that wait counts in its latency, measured from its due time), is built and
 * signed only when it goes out, and fails without being sent once `timeoutMs` after its due time
 * has passed. A request that went out is not abandoned (that would close its connection and have
 * the generator reconnecting under overload): its answer counts however late, up to a minute.
 */
export class HttpPool {
  private readonly agent: Agent;
  private waiting: Array<Waiting | undefined> = [];
  private head = 0;
  private inFlight = 0;

  constructor(
    private readonly maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  /** Sends the request `make` builds once a connection is free; fails unsent if none is free by `dueWallMs` + the timeout. */
  send<T>(make: () => Prepared, dueWallMs = wallMs()): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const entry: Waiting = {
        deadline: dueWallMs + this.timeoutMs,
        start: () => this.request<T>(make()).then(resolve, reject).finally(() => this.release()),
        fail: () => reject(new Error(`not sent within ${this.timeoutMs} ms (no free connection)`)),
      };
      if (this.inFlight < this.maxSockets) {
        this.inFlight++;
        this.dispatch(entry);
      } else {
        this.waiting.push(entry);
      }
    });
  }

  /** Starts `entry` on the slot it holds, or fails it and hands the slot on; true when it started. */
  private dispatch(entry: Waiting): boolean {
    if (entry.deadline <= wallMs()) {
      entry.fail();
      return false;
    }
    entry.start();
    return true;
  }

  /** A request finished: its slot goes to the next waiting request still within its deadline. */
  private release(): void {
    while (this.head < this.waiting.length) {
      const next = this.waiting[this.head] as Waiting;
      this.waiting[this.head++] = undefined;
      if (this.head > 4096 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      if (this.dispatch(next)) return;
    }
    this.inFlight--;
  }

  private request<T>(prepared: Prepared): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(prepared.url, { method: prepared.method, headers: prepared.headers, agent: this.agent, signal: AbortSignal.timeout(IN_FLIGHT_LIMIT_MS) }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, body: body as T });
        });
      });
      request.on('error', (error: Error) => reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`no answer within ${IN_FLIGHT_LIMIT_MS} ms`) : error));
      request.end(prepared.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const IN_FLIGHT_LIMIT_MS = 60_000;

interface Waiting {
  deadline: number;
  start(): void;
  fail(): void;
}

/**
 * Stops the stack (and whatever else `stop` stops) should the bench die of an exception thrown
 * in a callback, where no `finally` runs: the services must not outlive the bench.
 */
export function stopOnCrash(stop: () => Promise<void>): void {
  process.once('uncaughtException', (error) => {
    process.stderr.write(`${error.stack}\n`);
    void stop().finally(() => process.exit(1));
  });
}

/** Wall-clock milliseconds with sub-millisecond precision (comparable with the services' ISO timestamps: one machine, one clock). */
export const wallMs = () => performance.timeOrigin + performance.now();

export interface TaggedRun {
  /** Latency from the due time, ns, by the tag the call answered with. */
  byTag: Map<string, number[]>;
  all: number[];
  /** How late each call was handed to the client after its due time (the generator's own lag), ns. */
  sendLagNs: number[];
  errors: Map<string, number>;
  offered: number;
  completed: number;
  elapsedS: number;
  /** Completed calls per second over the phase (until the last answer). */
  achievedPerS: number;
}

/**
 * Offers `rate` calls per second for `seconds`, whatever the latency (open loop); latency counts
 * from when a call was due, not when it was sent, so a stalled generator cannot hide queueing
 * (no coordinated omission). `op` gets the call's number and due time (wall-clock ms) and answers
 * a tag to file the sample under, or throws (an error).
 */
export async function openLoopTagged(rate: number, seconds: number, op: (i: number, dueWallMs: number) => Promise<string>): Promise<TaggedRun> {
  const run: TaggedRun = { byTag: new Map(), all: [], sendLagNs: [], errors: new Map(), offered: 0, completed: 0, elapsedS: 0, achievedPerS: 0 };
  const pending = new Set<Promise<void>>();
  const started = process.hrtime.bigint();
  const startedWallMs = performance.timeOrigin + performance.now();
  const intervalNs = 1e9 / rate;
  const total = Math.round(rate * seconds);
  while (run.offered < total) {
    const now = Number(process.hrtime.bigint() - started);
    const due = Math.min(total, Math.floor(now / intervalNs) + 1);
    for (; run.offered < due; run.offered++) {
      const dueAt = started + BigInt(Math.round(run.offered * intervalNs));
      run.sendLagNs.push(Number(process.hrtime.bigint() - dueAt));
      const call: Promise<void> = op(run.offered, startedWallMs + (run.offered * intervalNs) / 1e6).then(
        (tag) => {
          const ns = Number(process.hrtime.bigint() - dueAt);
          run.all.push(ns);
          let list = run.byTag.get(tag);
          if (!list) run.byTag.set(tag, (list = []));
          list.push(ns);
          run.completed++;
        },
        (error: Error) => {
          const key = errorKey(error);
          run.errors.set(key, (run.errors.get(key) ?? 0) + 1);
        },
      );
      pending.add(call);
      void call.finally(() => pending.delete(call));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  run.elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  run.achievedPerS = Math.round(run.completed / run.elapsedS);
  return run;
}

export const errorsOf = (run: TaggedRun) => Object.fromEntries(run.errors);

/** An error as a tally key: its message with numbers blanked (timeouts name their milliseconds). */
export const errorKey = (error: Error) => error.message.replace(/\d+/g, 'N').slice(0, 120);

/** The generator's lag in handing calls over, ms (large values: the client, not the bridge, was the limit). */
export const sendLag = (run: TaggedRun) => {
  const s = msSummary(run.sendLagNs);
  return { p50_ms: s.p50_ms, p99_ms: s.p99_ms, max_ms: s.max_ms };
};

const CLOCK_TICK_S = 0.01; // USER_HZ is 100 on Linux

function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_S; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/** Children of `parent` whose command name is `comm` (e.g. the nats-server this process started). */
export function childPids(comm: string, parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === comm && ppid === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds each named process used between start() and the returned stop(). */
export function cpuMeter(pids: Record<string, number>) {
  const self = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const selfBefore = self();
  return () => {
    const used: Record<string, number> = { load_generator: Math.round((self() - selfBefore) * 100) / 100 };
    for (const [name, pid] of Object.entries(pids)) used[name] = Math.round((cpuSecondsOf(pid) - (before[name] as number)) * 100) / 100;
    return used;
  };
}

/** CPU microseconds per call, by process, from a cpuMeter reading over `calls` calls. */
export function cpuPerCall(used: Record<string, number>, calls: number): Record<string, number> {
  return Object.fromEntries(Object.entries(used).map(([name, s]) => [name, Math.round((s / calls) * 1e6)]));
}

const ECHO_SCRIPT = `
const { connect } = require('nats');
connect({ servers: process.env.NATS_URL }).then((nc) => {
  nc.subscribe(process.env.ECHO_SUBJECT, { callback: (_e, m) => m.respond(m.data) });
  process.stderr.write('echo ready\\n');
  process.on('SIGTERM', () => nc.close().then(() => process.exit(0)));
});`;

/** A raw `nats` echo responder in a process of its own, as a service would be. */
export async function startNatsEcho(natsUrl: string, subject: string, cwd: string): Promise<{ pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', ECHO_SCRIPT], { cwd, env: { ...process.env, NATS_URL: natsUrl, ECHO_SUBJECT: subject }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('echo ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`echo responder exited with ${code}: ${seen}`)));
  });
  return {
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Node 20 refuses --cpu-prof in NODE_OPTIONS, and the stack starts the services itself: a
// preloaded script (NODE_OPTIONS=--require, which is allowed) profiles each service with the
// inspector and writes <dir>/<app>-<pid>.cpuprofile at SIGTERM (or exit). Open the files in Chrome DevTools or speedscope.
const PROFILE_HOOK = `
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
let written = false;
const write = () => {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (error || !result) return;
    const app = path.basename(path.dirname(process.argv[1] || 'node'));
    fs.writeFileSync(path.join(process.env.BENCH_PROFILE_OUT, app + '-' + process.pid + '.cpuprofile'), JSON.stringify(result.profile));
  });
};
process.on('exit', write);
// Written at SIGTERM itself: a service may take long to stop (and be killed), or have no handler.
process.on('SIGTERM', () => {
  write();
  if (process.listenerCount('SIGTERM') === 1) process.exit(143); // nobody else handles it: die as without us
});
`;

/** Environment that makes every service of the stack write a CPU profile into `dir` when it exits. */
export function profilingEnv(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const hook = join(dir, 'cpu-profile-hook.cjs');
  writeFileSync(hook, PROFILE_HOOK);
  return { NODE_OPTIONS: `--require ${hook}`, BENCH_PROFILE_OUT: dir };
}
