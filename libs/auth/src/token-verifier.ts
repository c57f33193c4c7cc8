import { sessionKeyOf, type AuthKeys } from './keys';
import { verifyToken, type TokenCheck, type TokenClaims } from './token';

/**
 * {@link verifyToken} and {@link sessionKeyOf} for a verifier that sees the same tokens again and
 * again (an agent sends its token with every request): a token whose MAC, claims and audience
 * were checked once is remembered, by its exact text, with its claims, until it expires; only
 * its expiry is checked again on a repeat. A token that differs in any character is a different
 * key and is verified in full; a refused token is never remembered. Session keys are remembered
 * by session id. Both maps are bounded (the oldest entry goes first); revocations are not this
 * class's business and must still be checked on every request.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, Readonly<TokenClaims>>();
  private readonly sessionKeys = new Map<string, Buffer>();

  constructor(
    private readonly keys: AuthKeys,
    readonly audience: string,
    private readonly maxEntries = 20_000,
  ) {}

  verify(token: string, nowSeconds: number): TokenCheck {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > nowSeconds) return { ok: true, claims: known };
      this.verified.delete(token);
    }
    const check = verifyToken(token, this.keys, { audience: this.audience, nowSeconds });
    if (!check.ok) return check;
    const frozen = Object.freeze({ ...check.claims });
    remember(this.verified, token, frozen, this.maxEntries);
    return { ok: true, claims: frozen };
  }

  /** The key a session's requests are signed with. */
  sessionKey(sessionId: string): Buffer {
    const known = this.sessionKeys.get(sessionId);
    if (known) return known;
    const key = sessionKeyOf(this.keys, sessionId);
    remember(this.sessionKeys, sessionId, key, this.maxEntries);
    return key;
  }

  /** Entries held (for tests and metrics). */
  get size(): { tokens: number; sessionKeys: number } {
    return { tokens: this.verified.size, sessionKeys: this.sessionKeys.size };
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
