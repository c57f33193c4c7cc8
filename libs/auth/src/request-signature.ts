import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AUTH_HEADERS, MAX_CLOCK_SKEW_SECONDS, NonceSchema } from '@lighthouse/contracts';
import { decodeBase64url } from './keys';

/**
 * Signed requests. A state-changing request carries a timestamp, a fresh nonce and an HMAC of
 * the canonical request under the session key, so a captured token alone cannot change state,
 * a captured request cannot be altered, and (with the registry's nonce memory) not replayed.
 *
 *   LH-SIG-1 \n METHOD \n path?query \n timestamp \n nonce \n base64url(SHA-256(body bytes))
 */
export const SIGNATURE_SCHEME = 'LH-SIG-1';

export interface RequestParts {
  method: string;
  /** Path and query exactly as sent, e.g. `/experts?role=qa`. */
  path: string;
  timestamp: number;
  nonce: string;
  /** The exact body bytes (empty when there is none). */
  body?: string | Uint8Array;
}

export function canonicalRequest(parts: RequestParts): string {
  const bodyHash = createHash('sha256')
    .update(parts.body ?? '')
    .digest('base64url');
  return [SIGNATURE_SCHEME, parts.method.toUpperCase(), parts.path, String(parts.timestamp), parts.nonce, bodyHash].join('\n');
}

export function requestSignature(sessionKey: Uint8Array, parts: RequestParts): string {
  return createHmac('sha256', sessionKey).update(canonicalRequest(parts)).digest('base64url');
}

/**
 * True when `signature` is the canonical base64url text of the request's HMAC. Compared as text
 * (in constant time): only the one canonical encoding of the right MAC matches, as when the
 * presented text was decoded first, without decoding it on every request.
 */
export function verifyRequestSignature(sessionKey: Uint8Array, parts: RequestParts, signature: string): boolean {
  if (typeof signature !== 'string' || !SIGNATURE_TEXT.test(signature)) return false;
  const expected = createHmac('sha256', sessionKey).update(canonicalRequest(parts)).digest('base64url');
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'));
}

/** The base64url text of a 32-byte MAC, unpadded: 43 characters. */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** A nonce clients may use: 18 random bytes, 24 base64url characters. */
export const newNonce = (): string => randomBytes(18).toString('base64url');

/**
 * The headers of a signed request, for clients (the MCP adapter, tests, benchmarks):
 * `{ 'x-lh-timestamp', 'x-lh-nonce', 'x-lh-signature' }`. `sessionKey` is the grant's base64url key.
 */
export function signRequest(
  sessionKey: string,
  request: { method: string; path: string; body?: string | Uint8Array },
  options: { nowSeconds?: number; nonce?: string } = {},
): Record<string, string> {
  const key = decodeBase64url(sessionKey);
  if (!key) throw new Error('the session key is not base64url');
  const timestamp = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? newNonce();
  return {
    [AUTH_HEADERS.timestamp]: String(timestamp),
    [AUTH_HEADERS.nonce]: nonce,
    [AUTH_HEADERS.signature]: requestSignature(key, { ...request, timestamp, nonce }),
  };
}

export type FreshnessCheck = { ok: true; timestamp: number; nonce: string } | { ok: false; reason: string };

/** Timestamp (whole Unix seconds within ±300 s of `nowSeconds`) and nonce headers, checked. */
export function checkFreshness(timestamp: unknown, nonce: unknown, nowSeconds: number, maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS): FreshnessCheck {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: `a signed request needs ${AUTH_HEADERS.timestamp} (Unix seconds)` };
  }
  if (typeof nonce !== 'string' || !NonceSchema.safeParse(nonce).success) {
    return { ok: false, reason: `a signed request needs ${AUTH_HEADERS.nonce} (16–64 of A-Z a-z 0-9 _ -)` };
  }
  const value = Number(timestamp);
  if (!withinSkew(value, nowSeconds, maxSkewSeconds)) {
    return { ok: false, reason: `${AUTH_HEADERS.timestamp} is more than ${maxSkewSeconds} s away from the server clock` };
  }
  return { ok: true, timestamp: value, nonce };
}

export const withinSkew = (timestamp: number, nowSeconds: number, maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS): boolean =>
  Math.abs(timestamp - nowSeconds) <= maxSkewSeconds;
