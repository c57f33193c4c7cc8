import { Inject, Injectable } from '@nestjs/common';
import type { AuthorizeCommand, AuthorizedCaller } from '@lighthouse/contracts';
import { CallerAuthService } from '../auth/caller-auth.service';
import { PresencePublisher } from './presence.publisher';

/**
 * For requests other services serve (delegations, validations): the same checks as the
 * registry's own routes — live session, and for a change a fresh nonce, spent here — plus the
 * caller's expert registration, so the gateway makes one round trip for both.
 */
@Injectable()
export class AuthorizeService {
  constructor(
    @Inject(CallerAuthService) private readonly auth: CallerAuthService,
    @Inject(PresencePublisher) private readonly presence: PresencePublisher,
  ) {}

  async check(command: AuthorizeCommand): Promise<AuthorizedCaller> {
    const caller = command.change ? await this.auth.forChange(command.auth) : await this.auth.forQuery(command.auth);
    const { sub: agentId, sid: sessionId } = caller.claims;
    if (command.change) this.presence.alive(agentId);
    const { expert } = caller;
    return { agentId, sessionId, expert: expert ? { role: expert.role, capacity: expert.capacity, status: expert.status } : null };
  }
}
