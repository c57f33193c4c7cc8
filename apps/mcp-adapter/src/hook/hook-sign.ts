import { closeSync, openSync, readSync } from 'node:fs';
import { AUTH_HEADERS } from '@lighthouse/contracts';
import { decodeBase64url, SIGNATURE_SCHEME } from '@lighthouse/auth';

import { hmac } from '@noble/hashes/hmac';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';

/**
 * Request signing for the hook without node:crypto (issue 16). Loading node:crypto costs a hook
 * process a few milliseconds at every start (it evaluates its cipher, key and webcrypto modules)
 * for one HMAC of a few hundred bytes; SHA-256 and HMAC come from @noble/hashes instead (audited,
 * dependency-free, pure JavaScript; bundled into the hook, whose build stands its node:crypto
 * loader aside: tools/build/build.mjs), with the nonce's bytes read from the kernel's CSPRNG.
 * The headers are exactly those of `signRequest` in @lighthouse/auth (hook-sign.spec.ts compares
 * them, bit for bit, on many keys and bodies). A body larger than {@link NATIVE_BODY_BYTES} (a
 * Write of a large file) is hashed by node:crypto, loaded only then.
 */

/** Bodies from this size on are hashed by node:crypto (faster on large inputs than pure JavaScript). */
export const NATIVE_BODY_BYTES = 64 * 1024;

/** SHA-256 of `data` (FIPS 180-4), 32 bytes. */
export function sha256(data: Uint8Array): Buffer {
  const digest = nobleSha256(data);
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** HMAC-SHA256 (RFC 2104) of `data` under `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  const mac = hmac(nobleSha256, key, data);
  return Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength);
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
