import { Inject, Injectable } from '@nestjs/common';
import { RPC, type Actor } from '@lighthouse/contracts';
import type { AgentIdentity } from '../auth/authenticate';
import { proofOf } from '../auth/identity.decorators';
import { RegistryClient } from '../registry/registry.client';

/**
 * Turns the guard's proven identity into the actor other services act for. The agent always
 * comes from the token, never from a body. Changes go through the registry (live session, the
 * nonce spent: no replay); so do requests that need the caller's expert role.
 */
@Injectable()
export class ActorResolver {
  constructor(@Inject(RegistryClient) private readonly registry: RegistryClient) {}

  /** From the token alone (reads of one's own data). */
  fromToken(caller: AgentIdentity): Actor {
    return { agent: caller.claims.sub, operator: false, roles: [], capacity: 1 };
  }

  /** Checked by the registry; `change` spends the request's nonce. */
  async checked(caller: AgentIdentity, change: boolean): Promise<Actor> {
    const who = await this.registry.send(RPC.session.authorize, { auth: proofOf(caller), change });
    const available = who.expert && who.expert.status === 'available';
    return { agent: who.agentId, operator: false, roles: available ? [who.expert!.role] : [], capacity: who.expert?.capacity ?? 1 };
  }
}
