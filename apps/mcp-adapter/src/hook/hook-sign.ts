import { closeSync, openSync, readSync } from 'node:fs';
import { AUTH_HEADERS } from '@lighthouse/contracts';
import { decodeBase64url, SIGNATURE_SCHEME } from '@lighthouse/auth';

/**
 * Request signing for the hook without node:crypto (issue 16). Loading node:crypto costs a hook
 * process a few milliseconds at every start (it evaluates its cipher, key and webcrypto modules)
 * for one HMAC of a few hundred bytes; SHA-256 and HMAC are written here instead, with the
 * nonce's bytes read from the kernel's CSPRNG. The headers are exactly those of
 * `signRequest` in @lighthouse/auth (hook-sign.spec.ts compares them, bit for bit, on many keys and
 * bodies). A body larger than {@link NATIVE_BODY_BYTES} (a Write of a large file) is hashed by
 * node:crypto, loaded only then.
 */

/** Bodies from this size on are hashed by node:crypto (faster on large inputs than this file). */
export const NATIVE_BODY_BYTES = 64 * 1024;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of `data` (FIPS 180-4), 32 bytes. */
export function sha256(data: Uint8Array): Buffer {
  const length = data.length;
  const total = (((length + 8) >> 6) + 1) << 6;
  const m = new Uint8Array(total);
  m.set(data);
  m[length] = 0x80;
  const view = new DataView(m.buffer);
  view.setUint32(total - 8, Math.floor(length / 0x20000000));
  view.setUint32(total - 4, (length << 3) >>> 0);
  const h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Int32Array(64);
  for (let block = 0; block < total; block += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getInt32(block + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h[0] as number;
    let b = h[1] as number;
    let c = h[2] as number;
    let d = h[3] as number;
    let e = h[4] as number;
    let f = h[5] as number;
    let g = h[6] as number;
    let k = h[7] as number;
    for (let i = 0; i < 64; i += 1) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + b) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d) | 0;
    h[4] = ((h[4] as number) + e) | 0;
    h[5] = ((h[5] as number) + f) | 0;
    h[6] = ((h[6] as number) + g) | 0;
    h[7] = ((h[7] as number) + k) | 0;
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i += 1) out.writeInt32BE(h[i] as number, i * 4);
  return out;
}

/** HMAC-SHA256 (RFC 2104) of `data` under `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  const block = Buffer.alloc(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const inner = Buffer.alloc(64 + data.length);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i += 1) {
    inner[i] = (block[i] as number) ^ 0x36;
    outer[i] = (block[i] as number) ^ 0x5c;
  }
  inner.set(data, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

/** `n` bytes from the kernel's CSPRNG; throws when it cannot be read (the hook then fails closed). */
export function randomBytesSync(n: number): Buffer {
  const bytes = Buffer.alloc(n);
  const fd = openSync('/dev/urandom', 'r');
  try {
    let at = 0;
    while (at < n) {
      const read = readSync(fd, bytes, at, n - at, null);
      if (read <= 0) throw new Error('could not read random bytes');
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function bodyHash(body: string | undefined): string {
  const bytes = Buffer.from(body ?? '', 'utf8');
  if (bytes.length < NATIVE_BODY_BYTES) return sha256(bytes).toString('base64url');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a large body (see the head of this file)
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(bytes).digest('base64url');
}

/** The signature headers of a request, as `signRequest` of @lighthouse/auth makes them. */
export function signHookRequest(sessionKey: string, request: { method: string; path: string; body?: string }, options: { nowSeconds?: number; nonce?: string } = {}): Record<string, string> {
  const key = decodeBase64url(sessionKey);
  if (!key) throw new Error('the session key is not base64url');
  const timestamp = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? randomBytesSync(18).toString('base64url');
  const canonical = [SIGNATURE_SCHEME, request.method.toUpperCase(), request.path, String(timestamp), nonce, bodyHash(request.body)].join('\n');
  return {
    [AUTH_HEADERS.timestamp]: String(timestamp),
    [AUTH_HEADERS.nonce]: nonce,
    [AUTH_HEADERS.signature]: hmacSha256(key, Buffer.from(canonical, 'utf8')).toString('base64url'),
  };
}
