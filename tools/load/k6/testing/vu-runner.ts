import { Worker } from 'node:worker_threads';

/**
 * A small stand-in for k6's runtime, enough to run the load script's VU functions for real
 * against a gateway where k6 is not installed: each VU is a worker thread with its own copy of
 * the script (as in k6), `k6/http` answers synchronously (a helper thread does the request while
 * the VU blocks on Atomics.wait, as k6's Go runtime blocks a VU), `sleep` really sleeps, and the
 * metrics the script adds are sent back. `Math.random` is seeded, so a run takes the same steps.
 */
export interface VuRun {
  /** The bundled script (see load-k6-script.ts). */
  code: string;
  env: Record<string, string>;
  scriptDir: string;
  /** `exec.vu.idInTest`. */
  vu: number;
  /** The exported function to call: `setup` once, or a scenario function in a loop. */
  exec: string;
  data?: unknown;
  /** Keep calling `exec` until this long has passed (scenario functions). */
  forMs?: number;
  seed: number;
}

export interface VuResult {
  /** What `setup` returned. */
  returned?: unknown;
  iterations: number;
  metrics: Array<{ name: string; value: number; tags?: Record<string, string> }>;
  error?: string;
}

// The helper thread: does one HTTP request per message and hands the answer back through shared memory.
const HTTP_WORKER = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const agent = new http.Agent({ keepAlive: true });
parentPort.on('message', ({ sab, method, url, headers, body, timeoutMs }) => {
  const flag = new Int32Array(sab, 0, 2);
  const out = new Uint8Array(sab, 8);
  const started = performance.now();
  const finish = (result) => {
    const bytes = Buffer.from(JSON.stringify({ ...result, duration: performance.now() - started }));
    if (bytes.length > out.length) throw new Error('answer larger than the shared buffer');
    out.set(bytes);
    Atomics.store(flag, 1, bytes.length);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const lib = url.startsWith('https:') ? https : http;
  const req = lib.request(url, { method, headers, timeout: timeoutMs, agent: url.startsWith('https:') ? undefined : agent }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => finish({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
  });
  req.on('timeout', () => req.destroy(new Error('request timeout')));
  req.on('error', (e) => finish({ status: 0, body: '', headers: {}, error: e.message }));
  req.end(body ?? undefined);
});
`;

// One VU: globals the script and the shims read, the script evaluated, then the loop.
const VU_WORKER = `
const { parentPort, workerData, Worker } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const w = workerData;
let state = w.seed >>> 0;
Math.random = () => { state = (state + 0x6d2b79f5) >>> 0; let t = state; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const helper = new Worker(${JSON.stringify(HTTP_WORKER)}, { eval: true });
const sab = new SharedArrayBuffer(8 + 4 * 1024 * 1024);
const metrics = [];
globalThis.__lhK6 = {
  vu: w.vu,
  iteration: 0,
  metrics,
  sleep: (s) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, s * 1000)),
  request: (method, url, headers, body, timeoutMs) => {
    const flag = new Int32Array(sab, 0, 2);
    Atomics.store(flag, 0, 0);
    helper.postMessage({ sab, method, url, headers, body, timeoutMs });
    Atomics.wait(flag, 0, 0, timeoutMs + 5000);
    if (Atomics.load(flag, 0) !== 1) throw new Error('no answer from the HTTP helper');
    return JSON.parse(Buffer.from(new Uint8Array(sab, 8, Atomics.load(flag, 1))).toString('utf8'));
  },
};
const module = { exports: {} };
const globals = { __ENV: w.env, __k6Resolve: (p) => join(w.scriptDir, p), open: (p) => readFileSync(p, 'utf8') };
let result = { iterations: 0, metrics };
try {
  new Function('module', 'exports', 'require', ...Object.keys(globals), w.code)(module, module.exports, require, ...Object.values(globals));
  const fn = module.exports[w.exec];
  if (typeof fn !== 'function') throw new Error('the script exports no function ' + w.exec);
  if (!w.forMs) result.returned = fn(w.data);
  else {
    const until = Date.now() + w.forMs;
    while (Date.now() < until) {
      fn(w.data);
      result.iterations = ++globalThis.__lhK6.iteration;
    }
  }
} catch (error) {
  result.error = String(error && error.stack || error);
}
helper.terminate().then(() => parentPort.postMessage(result));
`;

/** Runs one VU to its end and resolves with what it measured. */
export function runVu(run: VuRun): Promise<VuResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(VU_WORKER, { eval: true, workerData: run });
    worker.once('message', (result: VuResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`VU ${run.vu} exited with ${code}`)));
  });
}
