// Shared by the benchmarks that drive the built bridge through its gateway (delegation,
// speed-layer): agents with sessions, a connection pool, and a raw NATS echo responder process
// for the baseline. The stack, the open-loop generator and the /proc CPU meter are the stack
// kit's (libs/testing).
import { Agent, request as httpRequest } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, type OpenLoopRun, type ServiceProcess } from '@lighthouse/testing';
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

/** Issues credentials (granting `roles`) and opens sessions for `count` agents, 100 at a time. */
export async function openAgents(gatewayUrl: string, adminSecret: string, count: number, prefix: string, roles?: string[]): Promise<AgentClient[]> {
  const agents: AgentClient[] = [];
  for (let i = 0; i < count; i += 100) {
    const ids = Array.from({ length: Math.min(100, count - i) }, (_, j) => `${prefix}-${i + j}`);
    const batch = await Promise.all(
      ids.map(async (id) => {
        const agent = new AgentClient(gatewayUrl, id, await issueCredential(gatewayUrl, adminSecret, id, roles));
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

/** The generator's lag in handing calls over, ms (large values: the client, not the bridge, was the limit). */
export const sendLag = (run: OpenLoopRun) => {
  const s = msSummary(run.sendLagNs);
  return { p50_ms: s.p50_ms, p99_ms: s.p99_ms, max_ms: s.max_ms };
};

const ECHO_SCRIPT = `
const { connect } = require('nats');
connect({ servers: process.env.NATS_URL, user: process.env.NATS_USER || undefined, pass: process.env.NATS_PASSWORD || undefined }).then((nc) => {
  nc.subscribe(process.env.ECHO_SUBJECT, { callback: (_e, m) => m.respond(m.data) });
  process.stderr.write('echo ready\\n');
  process.on('SIGTERM', () => nc.close().then(() => process.exit(0)));
});`;

/** A raw `nats` echo responder in a process of its own, as a service would be. */
export function startNatsEcho(natsUrl: string, subject: string, cwd: string, login: { user?: string; pass?: string } = {}): Promise<ServiceProcess> {
  return startService({
    name: 'nats-echo',
    command: process.execPath,
    args: ['-e', ECHO_SCRIPT],
    cwd,
    env: { NATS_URL: natsUrl, ECHO_SUBJECT: subject, NATS_USER: login.user ?? '', NATS_PASSWORD: login.pass ?? '' },
    ready: (echo) => echo.output().includes('echo ready'),
  });
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

// Preloaded into every service (NODE_OPTIONS=--require; Node refuses --trace-gc there): each GC
// pause and each event-loop stall (a 10 ms timer firing more than 3 ms late) with its wall-clock
// time, as JSON lines in <dir>/<app>-<pid>.diag.jsonl (flushed every 500 ms and at exit), so a
// bench can line a slow answer up with what each process was doing then.
const DIAG_HOOK = `
const { PerformanceObserver, performance } = require('node:perf_hooks');
const fs = require('node:fs');
const path = require('node:path');
const app = path.basename(path.dirname(process.argv[1] || 'node'));
const file = path.join(process.env.BENCH_DIAG_OUT, app + '-' + process.pid + '.diag.jsonl');
const origin = performance.timeOrigin;
let lines = [];
const flush = () => {
  if (lines.length === 0) return;
  fs.appendFileSync(file, lines.join(''));
  lines = [];
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) lines.push(JSON.stringify({ t: origin + e.startTime, gc: e.duration, kind: e.detail ? e.detail.kind : 0 }) + '\\n');
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - 10;
  if (late > 3) lines.push(JSON.stringify({ t: origin + last + 10, stall: late }) + '\\n');
  last = now;
}, 10).unref();
setInterval(flush, 500).unref();
process.on('exit', flush);
`;

/** Environment that makes every service log its GC pauses and event-loop stalls into `dir` (see {@link diagnosticsOf}). */
export function diagnosticsEnv(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const hook = join(dir, 'diag-hook.cjs');
  writeFileSync(hook, DIAG_HOOK);
  return { NODE_OPTIONS: `--require ${hook}`, BENCH_DIAG_OUT: dir };
}

/** Per service, the GC pauses and event-loop stalls logged between two wall-clock times (ms). */
export function diagnosticsOf(dir: string, fromMs: number, toMs: number): Record<string, { gc_n: number; gc_total_ms: number; gc_max_ms: number; stalls_n: number; stall_max_ms: number }> {
  const out: Record<string, { gc_n: number; gc_total_ms: number; gc_max_ms: number; stalls_n: number; stall_max_ms: number }> = {};
  const r = (x: number) => Math.round(x * 100) / 100;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.diag.jsonl'))) {
    const app = name.replace(/-\d+\.diag\.jsonl$/, '');
    const s = (out[app] ??= { gc_n: 0, gc_total_ms: 0, gc_max_ms: 0, stalls_n: 0, stall_max_ms: 0 });
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as { t: number; gc?: number; stall?: number };
      if (e.t < fromMs || e.t > toMs) continue;
      if (e.gc !== undefined) {
        s.gc_n++;
        s.gc_total_ms = r(s.gc_total_ms + e.gc);
        s.gc_max_ms = r(Math.max(s.gc_max_ms, e.gc));
      } else if (e.stall !== undefined) {
        s.stalls_n++;
        s.stall_max_ms = r(Math.max(s.stall_max_ms, e.stall));
      }
    }
  }
  return out;
}
