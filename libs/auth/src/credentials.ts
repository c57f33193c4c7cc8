import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new agent credential: `lhc_` and 32 random bytes, base64url. Shown once, stored hashed. */
export const newCredential = (): string => `lhc_${randomBytes(32).toString('base64url')}`;

/** A new session id: 16 random bytes, base64url (22 characters). */
export const newSessionId = (): string => randomBytes(16).toString('base64url');

/**
 * What the registry stores instead of the credential. A credential is 256 random bits, so a
 * fast hash is enough: there is nothing to guess that a slow hash would protect.
 */
export const hashCredential = (credential: string): string => createHash('sha256').update(credential).digest('hex');

const NO_HASH = Buffer.alloc(32);

/**
 * True when the presented credential hashes to the stored hash, compared in constant time; an
 * unknown agent (no stored hash) costs the same comparison, so timing does not tell whether
 * an agent exists.
 */
export function credentialMatches(presented: string, storedHashHex: string | undefined | null): boolean {
  const presentedHash = createHash('sha256').update(presented).digest();
  const known = typeof storedHashHex === 'string' && /^[0-9a-f]{64}$/.test(storedHashHex);
  const stored = known ? Buffer.from(storedHashHex, 'hex') : NO_HASH;
  return timingSafeEqual(presentedHash, stored) && known;
}

/** Constant-time equality of two secrets of any length (their SHA-256 digests are compared). */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
