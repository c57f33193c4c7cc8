import { Inject, Injectable } from '@nestjs/common';
import {
  LighthouseError,
  type CreateSessionCommand,
  type EndSessionCommand,
  type EndSessionResult,
  type HeartbeatCommand,
  type HeartbeatResult,
  type RefreshSessionCommand,
  type SessionGrant,
} from '@lighthouse/contracts';
import { credentialMatches, hashCredential, newSessionId, sessionKeyOf, signToken, type AuthKeys, type TokenClaims } from '@lighthouse/auth';
import type { Logger } from '@lighthouse/observability';
import { LOGGER } from '@lighthouse/transport';
import { CallerAuthService } from '../auth/caller-auth.service';
import { RevocationsPublisher } from '../events/revocations.publisher';
import { PresencePublisher } from '../presence/presence.publisher';
import { SessionEventsRecorder } from '../events/session-events.recorder';
import { AUTH_KEYS, REGISTRY_CONFIG, SESSION_LIMITS, type RegistryConfig } from '../registry.config';
import { RegistryStore } from '../store/registry.store';
import { claimsFor, grantOf, sessionStartOf, tokenExpiryOf, type SessionLimits } from './session-policy';
import { VerifiedCredentials } from './verified-credentials';

const WRONG_CREDENTIAL = 'unknown agent or wrong credential';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Sessions: started with a credential, kept alive by signed requests and heartbeats, refreshed
 * with a new token, ended by the agent. A change is made only after its event is stored.
 */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(CallerAuthService) private readonly auth: CallerAuthService,
    @Inject(SessionEventsRecorder) private readonly recorder: SessionEventsRecorder,
    @Inject(RevocationsPublisher) private readonly revocations: RevocationsPublisher,
    @Inject(AUTH_KEYS) private readonly keys: AuthKeys,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(SESSION_LIMITS) private readonly limits: SessionLimits,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PresencePublisher) private readonly presence: PresencePublisher,
    @Inject(VerifiedCredentials) private readonly verified: VerifiedCredentials,
  ) {}

  /**
   * One read of the stored credential (skipped when this replica verified the same credential
   * lately), then at the same time the `session.created` event stored and the session started in
   * Redis, where the credential is compared again atomically. No token of it exists before its
   * event is stored: the grant is made only when both are done, and a session whose event could
   * not be stored is ended at once (unused: nobody holds a token of it).
   */
  async create(command: CreateSessionCommand): Promise<SessionGrant> {
    const { agentId, correlationId, credential } = command;
    const nowMs = Date.now();
    if (!this.verified.matches(agentId, credential, nowMs)) {
      const stored = await this.store.credentialOf(agentId);
      if (!credentialMatches(credential, stored.hash)) throw new LighthouseError('UNAUTHENTICATED', WRONG_CREDENTIAL);
      this.verified.remember(agentId, credential, nowMs);
    }
    const sessionId = newSessionId();
    const absExpMs = nowMs + this.limits.sessionTtlS * 1000;
    const data = { sessionId, sessionExpiresAt: iso(absExpMs), tokenExpiresAt: iso(tokenExpiryOf(nowMs, absExpMs, this.limits) * 1000) };
    const [recorded, starting] = await Promise.allSettled([
      this.recorder.record('session.created', agentId, data, correlationId),
      this.store.startSession({ agentId, sessionId, credentialHash: hashCredential(credential), nowMs, absExpMs, idleMs: this.limits.idleS * 1000 }),
    ]);
    if (recorded.status === 'rejected') {
      if (starting.status === 'fulfilled' && starting.value.status === 'ok') await this.unstart(agentId, sessionId);
      throw recorded.reason;
    }
    if (starting.status === 'rejected') {
      await this.recordAbandoned(agentId, sessionId, correlationId);
      throw starting.reason;
    }
    const started = starting.value;
    if (started.status !== 'ok') {
      this.verified.forget(agentId);
      await this.recordAbandoned(agentId, sessionId, correlationId);
      throw new LighthouseError('UNAUTHENTICATED', WRONG_CREDENTIAL);
    }
    const sessionStartedS = sessionStartOf(Math.floor(nowMs / 1000), started.revokedAtS);
    const claims = claimsFor({ agentId, sessionId, audience: this.config.LH_TOKEN_AUDIENCE, sessionStartedS, sessionAbsExpMs: absExpMs, nowMs }, this.limits);
    return this.grant(claims, absExpMs);
  }

  async refresh(command: RefreshSessionCommand): Promise<SessionGrant> {
    const caller = await this.auth.forChange(command.auth);
    const { sub: agentId, sid: sessionId, sat: sessionStartedS } = caller.claims;
    const claims = claimsFor(
      { agentId, sessionId, audience: this.config.LH_TOKEN_AUDIENCE, sessionStartedS, sessionAbsExpMs: caller.absExpMs, nowMs: Date.now() },
      this.limits,
    );
    await this.recorder.record('session.refreshed', agentId, { sessionId, tokenExpiresAt: iso(claims.exp * 1000) }, command.correlationId);
    return this.grant(claims, caller.absExpMs);
  }

  async heartbeat(command: HeartbeatCommand): Promise<HeartbeatResult> {
    const caller = await this.auth.forChange(command.auth);
    const { sub: agentId, sid: sessionId } = caller.claims;
    this.presence.alive(agentId);
    return { agentId, sessionId, idleExpiresAt: iso(caller.idleExpMs), sessionExpiresAt: iso(caller.absExpMs) };
  }

  /** Ends one of the caller's own sessions (this one or another); any other session id is refused. */
  async end(command: EndSessionCommand): Promise<EndSessionResult> {
    const claims = this.auth.claimsOf(command.auth, true);
    const { sub: agentId } = claims;
    if (!(await this.store.sessionExists(agentId, command.sessionId))) {
      throw new LighthouseError('FORBIDDEN', 'that session is not one of your live sessions');
    }
    await this.auth.forChange(command.auth, claims);
    const expert = await this.store.expertOf(agentId);
    const expertDeregistered = expert?.sessionId === command.sessionId;
    const data = { sessionId: command.sessionId, endedBy: claims.sid, expertDeregistered };
    await this.recorder.record('session.ended', agentId, data, command.correlationId);
    const endedMs = Date.now();
    // No token of the ended session can outlive this: every one was issued before now.
    const until = Math.ceil(endedMs / 1000) + this.limits.tokenTtlS;
    await this.store.endSession(agentId, command.sessionId, until);
    await this.revocations.publish({ kind: 'session', agentId, sessionId: command.sessionId, until });
    if (expertDeregistered) this.presence.gone(agentId);
    return { sessionId: command.sessionId, endedAt: iso(endedMs) };
  }

  private grant(claims: TokenClaims, absExpMs: number): SessionGrant {
    const sessionKey = sessionKeyOf(this.keys, claims.sid).toString('base64url');
    return grantOf(claims, signToken(claims, this.keys), sessionKey, absExpMs, this.limits);
  }

  /** A session started whose event could not be stored: ended before any token of it was issued. */
  private async unstart(agentId: string, sessionId: string): Promise<void> {
    try {
      await this.store.endSession(agentId, sessionId, Math.ceil(Date.now() / 1000));
    } catch (error) {
      this.logger.warn({ err: error, agentId, sessionId }, 'a session whose event was not stored is left to its idle timeout (no token of it was issued)');
    }
  }

  /** The session.created event is stored but the session could not start (revoked meanwhile): say so in the history. */
  private async recordAbandoned(agentId: string, sessionId: string, correlationId: string): Promise<void> {
    try {
      await this.recorder.record('session.ended', agentId, { sessionId, endedBy: sessionId, expertDeregistered: false }, correlationId);
    } catch (error) {
      this.logger.warn({ err: error, agentId, sessionId }, 'a session that never started has no session.ended event');
    }
  }
}
