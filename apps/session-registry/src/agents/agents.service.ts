import { Inject, Injectable } from '@nestjs/common';
import type { AgentRevoked, IssueCredentialCommand, IssuedCredential, RevocationsSnapshot, RevokeAgentCommand } from '@lighthouse/contracts';
import { hashCredential, newCredential } from '@lighthouse/auth';
import { RevocationsPublisher } from '../events/revocations.publisher';
import { PresencePublisher } from '../presence/presence.publisher';
import { SessionEventsRecorder } from '../events/session-events.recorder';
import { RegistryStore } from '../store/registry.store';
import { VerifiedCredentials } from '../sessions/verified-credentials';

const iso = (ms: number) => new Date(ms).toISOString();

/** The operator's side: issue an agent's credential, revoke an agent, list revocations. */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(SessionEventsRecorder) private readonly recorder: SessionEventsRecorder,
    @Inject(RevocationsPublisher) private readonly revocations: RevocationsPublisher,
    @Inject(PresencePublisher) private readonly presence: PresencePublisher,
    @Inject(VerifiedCredentials) private readonly verified: VerifiedCredentials,
  ) {}

  /**
   * A new credential granting `roles` (replacing any earlier one), returned this once; only its
   * hash is kept. Replacing a credential ends every session of the old one, at once and at every
   * verifier: whoever held the old one keeps nothing.
   */
  async issueCredential(command: IssueCredentialCommand): Promise<IssuedCredential> {
    const credential = newCredential();
    const roles = [...new Set(command.roles)].sort();
    const nowMs = Date.now();
    const { agentId } = command;
    this.verified.forget(agentId);
    await this.recorder.record('credential.issued', agentId, { by: 'operator', via: command.via, issuedAt: iso(nowMs), roles }, command.correlationId);
    const { sessionsEnded } = await this.store.setCredential(agentId, { hash: hashCredential(credential), roles }, nowMs);
    if (sessionsEnded > 0) {
      await this.revocations.publish({ kind: 'agent', agentId, revokedAt: Math.floor(nowMs / 1000) });
      this.presence.gone(agentId);
    }
    return { agentId, credential, issuedAt: iso(nowMs), roles, sessionsEnded };
  }

  /**
   * Revocation takes effect first and is recorded second: cutting an agent off must not wait
   * for the event store. When the event cannot be stored the answer is STORE_UNAVAILABLE (the
   * revocation stands; repeating it records it).
   */
  async revoke(command: RevokeAgentCommand): Promise<AgentRevoked> {
    const nowMs = Date.now();
    const revokedAtS = Math.floor(nowMs / 1000);
    this.verified.forget(command.agentId);
    const { sessionsEnded } = await this.store.revokeAgent(command.agentId, revokedAtS);
    await this.revocations.publish({ kind: 'agent', agentId: command.agentId, revokedAt: revokedAtS });
    this.presence.gone(command.agentId);
    const data = { by: 'operator' as const, via: command.via, revokedAt: iso(nowMs), sessionsEnded };
    await this.recorder.record('agent.revoked', command.agentId, data, command.correlationId, 'the agent IS revoked but the revocation is not in the history yet');
    return { agentId: command.agentId, revokedAt: iso(nowMs), sessionsEnded };
  }

  async snapshot(): Promise<RevocationsSnapshot> {
    return { revocations: await this.store.revocations(Math.floor(Date.now() / 1000)) };
  }
}
