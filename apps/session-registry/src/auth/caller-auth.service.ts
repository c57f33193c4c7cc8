import { Inject, Injectable } from '@nestjs/common';
import type { AuthProof } from '@lighthouse/contracts';
import { TokenVerifier, type AuthKeys, type TokenClaims } from '@lighthouse/auth';
import { AUTH_KEYS, REGISTRY_CONFIG, SESSION_LIMITS, type RegistryConfig } from '../registry.config';
import type { SessionLimits } from '../sessions/session-policy';
import { NONCE_TTL_S } from '../sessions/session-policy';
import { RegistryStore, type ExpertRecord } from '../store/registry.store';
import { provenClaims, refusalOf } from './caller-proof';

/** A caller whose token, session and (for a change) nonce have all been checked. */
export interface Caller {
  claims: TokenClaims;
  /** The session's absolute end. */
  absExpMs: number;
  /** When the session ends if nothing else happens. */
  idleExpMs: number;
  /** The caller's expert registration, read with the session in one round trip. */
  expert: ExpertRecord | undefined;
}

@Injectable()
export class CallerAuthService {
  /** Every signed request of an agent carries the same token: its MAC is checked once per replica. */
  private readonly tokens: TokenVerifier;

  constructor(
    @Inject(AUTH_KEYS) keys: AuthKeys,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
    @Inject(SESSION_LIMITS) private readonly limits: SessionLimits,
    @Inject(RegistryStore) private readonly store: RegistryStore,
  ) {
    this.tokens = new TokenVerifier(keys, config.LH_TOKEN_AUDIENCE);
  }

  /** Token only; no Redis yet. For checks that must refuse before anything is stored. */
  claimsOf(auth: AuthProof, change: boolean): TokenClaims {
    return provenClaims(auth, this.tokens, Math.floor(Date.now() / 1000), change);
  }

  /** A change: the session is live, the nonce is new (and now spent), the session kept alive. */
  forChange(auth: AuthProof, claims = this.claimsOf(auth, true)): Promise<Caller> {
    return this.authorize(claims, { nonce: auth.nonce as string, nonceTtlS: NONCE_TTL_S });
  }

  /** A query: the session is live; nothing is written. */
  forQuery(auth: AuthProof): Promise<Caller> {
    return this.authorize(this.claimsOf(auth, false), undefined);
  }

  private async authorize(claims: TokenClaims, change: { nonce: string; nonceTtlS: number } | undefined): Promise<Caller> {
    const result = await this.store.authorize({
      agentId: claims.sub,
      sessionId: claims.sid,
      sessionStartedS: claims.sat,
      nowMs: Date.now(),
      idleMs: this.limits.idleS * 1000,
      change,
    });
    if (result.status !== 'ok') throw refusalOf(result.status);
    return { claims, absExpMs: result.absExpMs, idleExpMs: result.idleExpMs, expert: result.expert };
  }
}
