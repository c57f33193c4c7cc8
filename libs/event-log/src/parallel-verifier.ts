import * as crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Keyring } from './keyring';
import { chainHmac, HMAC_BYTES, sameHmac } from './record-codec';

/** One record to check: does `hmac` equal HMAC(key, previous || u64 sequence || payload)? */
export interface HmacCheck {
  keyId: number;
  previous: Uint8Array;
  sequence: number;
  payload: Uint8Array;
  hmac: Uint8Array;
}

// Below this many records the round trip to the worker costs more than it saves.
const MIN_PARALLEL = 64;
const PAD_BYTES = 64;
const PREFIX_BYTES = PAD_BYTES + HMAC_BYTES + 8;

// Plain JS run with `eval`, so it works from ts sources under Jest and from bundles alike.
// Each message slot is [64 free bytes for the inner pad][previous][u64 sequence][payload].
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash, hash, timingSafeEqual } = require('node:crypto');
const pads = new Map();
for (const [id, secret] of workerData.keys) {
  const key = Buffer.alloc(64);
  (secret.length > 64 ? createHash('sha256').update(secret).digest() : Buffer.from(secret)).copy(key);
  pads.set(id, { inner: Buffer.from(key.map((b) => b ^ 0x36)), outer: Buffer.from(key.map((b) => b ^ 0x5c)) });
}
const outer = Buffer.alloc(96);
parentPort.on('message', ({ id, messages, offsets, keyIds, hmacs }) => {
  const data = Buffer.from(messages.buffer, messages.byteOffset, messages.byteLength);
  const expected = Buffer.from(hmacs.buffer, hmacs.byteOffset, hmacs.byteLength);
  const ok = new Uint8Array(keyIds.length);
  for (let i = 0; i < keyIds.length; i++) {
    const pad = pads.get(keyIds[i]);
    if (!pad) continue;
    pad.inner.copy(data, offsets[i]);
    pad.outer.copy(outer, 0);
    outer.write(hash('sha256', data.subarray(offsets[i], offsets[i + 1]), 'binary'), 64, 'binary');
    const mac = Buffer.from(hash('sha256', outer, 'binary'), 'binary');
    ok[i] = timingSafeEqual(mac, expected.subarray(i * 32, i * 32 + 32)) ? 1 : 0;
  }
  parentPort.postMessage({ id, ok }, [ok.buffer]);
});
`;

/**
 * Checks record HMACs on a worker thread while the caller decodes payloads on its own, so a
 * large read uses both cores. Small batches, and any trouble with the worker, fall back to
 * checking inline: the answer is the same either way, only the speed differs.
 */
export class ParallelVerifier {
  private worker: Worker | undefined;
  private broken = typeof crypto.hash !== 'function';
  private nextJob = 0;
  private readonly jobs = new Map<number, { resolve(ok: Uint8Array): void; reject(error: unknown): void }>();

  constructor(private readonly keyring: Keyring) {}

  /** One flag per check, 1 when the HMAC matches. */
  async check(checks: readonly HmacCheck[]): Promise<Uint8Array> {
    if (this.broken || checks.length < MIN_PARALLEL) return this.checkInline(checks);
    try {
      return await this.checkOnWorker(checks);
    } catch {
      this.broken = true;
      return this.checkInline(checks);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    await worker?.terminate();
  }

  private checkInline(checks: readonly HmacCheck[]): Uint8Array {
    return Uint8Array.from(checks, (check) =>
      sameHmac(chainHmac(this.keyring, check.keyId, check.previous, check.sequence, check.payload), check.hmac) ? 1 : 0,
    );
  }

  private checkOnWorker(checks: readonly HmacCheck[]): Promise<Uint8Array> {
    const job = packJob(checks);
    const id = this.nextJob++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.workerThread().postMessage({ id, ...job }, [job.messages.buffer, job.hmacs.buffer]);
    });
  }

  private workerThread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { keys: this.keyring.secretsForWorker() } });
    worker.unref();
    worker.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
      this.jobs.get(id)?.resolve(ok);
      this.jobs.delete(id);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => this.failAll(new Error('verification worker exited')));
    this.worker = worker;
    return worker;
  }

  private failAll(error: unknown): void {
    this.worker = undefined;
    this.broken = true;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}

function packJob(checks: readonly HmacCheck[]) {
  const offsets = new Uint32Array(checks.length + 1);
  let total = 0;
  checks.forEach((check, i) => {
    offsets[i] = total;
    total += PREFIX_BYTES + check.payload.length;
  });
  offsets[checks.length] = total;
  const messages = Buffer.alloc(total);
  const hmacs = Buffer.alloc(checks.length * HMAC_BYTES);
  const keyIds = new Uint16Array(checks.length);
  checks.forEach((check, i) => {
    const at = offsets[i] as number;
    messages.set(check.previous, at + PAD_BYTES);
    messages.writeUInt32BE(Math.floor(check.sequence / 0x1_0000_0000), at + PAD_BYTES + HMAC_BYTES);
    messages.writeUInt32BE(check.sequence >>> 0, at + PAD_BYTES + HMAC_BYTES + 4);
    messages.set(check.payload, at + PREFIX_BYTES);
    hmacs.set(check.hmac, i * HMAC_BYTES);
    keyIds[i] = check.keyId;
  });
  return { messages, offsets, keyIds, hmacs };
}
