// Stand-ins for the k6 modules the load script imports, so it runs under Node without k6: its
// pure parts (request signing, options, thresholds) anywhere, and its VU functions inside
// vu-runner.ts, which provides `globalThis.__lhK6` (synchronous HTTP, sleep, the VU number and a
// metrics sink). They follow k6's documented behaviour for the calls the script makes.
import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

const toBuffer = (input: string | ArrayBuffer) => (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input));
const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** k6's string output encodings; `base64rawurl` is base64url without padding (Node's `base64url`). */
function encode(digest: Buffer, encoding: string): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
      return digest.toString('hex');
    case 'base64':
      return digest.toString('base64');
    case 'base64url':
      return digest.toString('base64url') + '='.repeat((4 - (digest.toString('base64url').length % 4)) % 4);
    case 'base64rawurl':
      return digest.toString('base64url');
    case 'binary':
      return toArrayBuffer(digest);
    default:
      throw new Error(`k6/crypto: unknown output encoding ${encoding}`);
  }
}

export const crypto = {
  randomBytes: (n: number): ArrayBuffer => toArrayBuffer(nodeRandomBytes(n)),
  sha256: (input: string | ArrayBuffer, encoding: string) => encode(createHash('sha256').update(toBuffer(input)).digest(), encoding),
  hmac: (algorithm: string, secret: string | ArrayBuffer, data: string | ArrayBuffer, encoding: string) =>
    encode(createHmac(algorithm, toBuffer(secret)).update(toBuffer(data)).digest(), encoding),
};

/** k6/encoding: `std` (padded) and `rawurl` (url alphabet, unpadded) are the variants used. */
export const encoding = {
  b64encode: (input: string | ArrayBuffer, variant = 'std'): string => {
    const b = toBuffer(input);
    if (variant === 'rawurl') return b.toString('base64url');
    if (variant === 'std') return b.toString('base64');
    throw new Error(`k6/encoding shim: variant ${variant} not covered`);
  },
  b64decode: (input: string, variant = 'std'): ArrayBuffer => toArrayBuffer(Buffer.from(input, variant === 'rawurl' || variant === 'url' ? 'base64url' : 'base64')),
};

/** What vu-runner.ts provides inside a VU; absent when the script is only loaded. */
interface VuRuntime {
  vu: number;
  iteration: number;
  metrics: Array<{ name: string; value: number; tags?: Record<string, string> }>;
  sleep(seconds: number): void;
  request(method: string, url: string, headers: Record<string, string>, body: string | null, timeoutMs: number): { status: number; body: string; headers: Record<string, string | string[]>; duration: number; error?: string };
}
const runtime = (): VuRuntime | undefined => (globalThis as { __lhK6?: VuRuntime }).__lhK6;

export const execution = {
  vu: {
    get idInTest() {
      return runtime()?.vu ?? 1;
    },
    get iterationInScenario() {
      return runtime()?.iteration ?? 0;
    },
  },
  test: {
    abort: (message: string) => {
      throw new Error(`k6 abort: ${message}`);
    },
  },
};

/** Metrics go to the VU's sink, for a test to look at. */
export class Trend {
  constructor(readonly name: string) {}
  add(value: number, tags?: Record<string, string>): void {
    runtime()?.metrics.push({ name: this.name, value, ...(tags ? { tags } : {}) });
  }
}
export class Counter extends Trend {}

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string;
}

/** A k6 response: status, body, canonical header names (`Retry-After`), timings, `json(selector)`. */
function response(answer: ReturnType<VuRuntime['request']>) {
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()), [v].flat().join(', ')]));
  return {
    status: answer.status,
    body: answer.body,
    headers,
    error: answer.error ?? '',
    timings: { duration: answer.duration },
    json(selector?: string): unknown {
      const value: unknown = JSON.parse(answer.body);
      return selector ? selector.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value) : value;
    },
  };
}

const timeoutMs = (timeout?: string) => (timeout ? (timeout.endsWith('ms') ? Number(timeout.slice(0, -2)) : Number(timeout.replace(/s$/, '')) * 1000) : 60_000);

function request(method: string, url: string, body: string | null | undefined, params: Params = {}) {
  const vu = runtime();
  if (!vu) throw new Error('k6/http runs only inside vu-runner.ts');
  return response(vu.request(method, url, params.headers ?? {}, body ?? null, timeoutMs(params.timeout)));
}

export const http = {
  request,
  get: (url: string, params?: Params) => request('GET', url, null, params),
  post: (url: string, body?: string | null, params?: Params) => request('POST', url, body, params),
  batch: (requests: Array<{ method: string; url: string; body?: string | null; params?: Params }>) => requests.map((r) => request(r.method, r.url, r.body, r.params)),
};

export const sleep = (seconds: number): void => runtime()?.sleep(seconds);
