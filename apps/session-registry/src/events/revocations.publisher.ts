import { Inject, Injectable } from '@nestjs/common';
import { BUS_EVENTS, type Revocation } from '@lighthouse/contracts';
import { NatsBus } from '@lighthouse/transport';

/**
 * Tells every verifier (gateways, and any replica that caches) about a revocation at once.
 * Resolves after the NATS server has the message, so the revocation is on its way to every
 * subscriber before the change is acknowledged. Verifiers also reload the full list at start,
 * on reconnect and periodically, so a verifier that missed the message still converges.
 */
@Injectable()
export class RevocationsPublisher {
  constructor(@Inject(NatsBus) private readonly bus: NatsBus) {}

  async publish(revocation: Revocation): Promise<void> {
    this.bus.publish(BUS_EVENTS.revoked, revocation);
    await this.bus.flush();
  }
}
