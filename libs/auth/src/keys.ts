import { createHmac } from 'node:crypto';

/** A token secret shorter than this is refused: HMAC-SHA256 wants at least its output size. */
export const MIN_SECRET_BYTES = 32;

/**
 * Keys derived from the one configured secret, one per purpose, so a token MAC can never pass
 * as a request signature or the other way round.
 */
export interface AuthKeys {
  /** Signs and verifies session tokens. */
  readonly token: Buffer;
  /** Root of the per-session request-signing keys. */
  readonly sessionRoot: Buffer;
}

export function deriveAuthKeys(secret: string): AuthKeys {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`the token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return { token: hmac(secret, 'lighthouse token v1'), sessionRoot: hmac(secret, 'lighthouse session key v1') };
}

/**
 * The key a client signs its state-changing requests with. Derived from the session id, so any
 * verifier holding the secret recomputes it without a lookup; handed to the client once per
 * session grant.
 */
export function sessionKeyOf(keys: AuthKeys, sessionId: string): Buffer {
  return hmac(keys.sessionRoot, sessionId);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Decodes base64url only when the text is its one canonical encoding. Plain decoding ignores
 * the unused low bits of the last character, so a flipped bit there would decode to the same
 * bytes: a token that differs from the issued one must never verify.
 */
export function decodeBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
