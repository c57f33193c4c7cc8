import { Inject, Injectable } from '@nestjs/common';
import {
  LighthouseError,
  type DeregisterExpertCommand,
  type DeregisterExpertResult,
  type Expert,
  type ExpertList,
  type ListExpertsCommand,
  type RegisterExpertCommand,
} from '@lighthouse/contracts';
import { CallerAuthService } from '../auth/caller-auth.service';
import { requireSelf } from '../auth/caller-proof';
import { SessionEventsRecorder } from '../events/session-events.recorder';
import { RegistryStore } from '../store/registry.store';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Expert registrations: an agent registers itself (never another) for one role. The
 * registration lives as long as the session that made it: it ends with the session, by idle
 * timeout, end or revocation.
 */
@Injectable()
export class ExpertsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(CallerAuthService) private readonly auth: CallerAuthService,
    @Inject(SessionEventsRecorder) private readonly recorder: SessionEventsRecorder,
  ) {}

  /** Registers the caller for a role its operator granted it (ROLE_NOT_GRANTED otherwise). */
  async register(command: RegisterExpertCommand): Promise<Expert> {
    const claims = this.auth.claimsOf(command.auth, true);
    const granted = await this.store.grantedRoles(claims.sub);
    if (!granted.includes(command.expert.role)) {
      throw new LighthouseError('ROLE_NOT_GRANTED', `the operator has not granted you the role ${command.expert.role} (granted: ${granted.join(', ').slice(0, 1000) || 'none'})`);
    }
    const caller = await this.auth.forChange(command.auth, claims);
    const agentId = caller.claims.sub;
    const record = { ...command.expert, sessionId: caller.claims.sid };
    await this.recorder.record('expert.registered', agentId, record, command.correlationId);
    const nowMs = Date.now();
    await this.store.registerExpert(agentId, record, nowMs, caller.idleExpMs - nowMs);
    return { agentId, ...command.expert, registeredAt: iso(nowMs), lastSeenAt: iso(nowMs) };
  }

  async deregister(command: DeregisterExpertCommand): Promise<DeregisterExpertResult> {
    const claims = this.auth.claimsOf(command.auth, true);
    requireSelf(claims, command.agentId, 'deregister');
    const existing = await this.store.expertOf(claims.sub);
    if (!existing) throw new LighthouseError('NOT_FOUND', 'the agent is not registered as an expert');
    await this.auth.forChange(command.auth, claims);
    await this.recorder.record('expert.deregistered', claims.sub, { sessionId: claims.sid, role: existing.role }, command.correlationId);
    await this.store.deregisterExpert(claims.sub, existing.role);
    return { agentId: claims.sub, deregisteredAt: iso(Date.now()) };
  }

  async list(command: ListExpertsCommand): Promise<ExpertList> {
    await this.auth.forQuery(command.auth);
    const { role, status, limit } = command.query;
    const experts = await this.store.listExperts(role);
    return { experts: experts.filter((expert) => !status || expert.status === status).slice(0, limit) };
  }
}
