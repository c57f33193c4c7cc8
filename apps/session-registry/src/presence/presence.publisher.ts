import { Inject, Injectable } from '@nestjs/common';
import { BUS_EVENTS, type Presence } from '@lighthouse/contracts';
import { NatsBus } from '@lighthouse/transport';

/**
 * Tells the services that hold work for agents (the delegation router) when an agent shows it is
 * alive (a heartbeat, a signed request) or is gone (its session ended, it was revoked), so
 * claims follow liveness. Hints on core NATS: leases still lapse on their own if one is missed.
 */
@Injectable()
export class PresencePublisher {
  constructor(@Inject(NatsBus) private readonly bus: NatsBus) {}

  alive(agent: string): void {
    this.send({ agent, status: 'alive', at: new Date().toISOString() });
  }

  gone(agent: string): void {
    this.send({ agent, status: 'gone', at: new Date().toISOString() });
  }

  private send(presence: Presence): void {
    try {
      this.bus.publish(BUS_EVENTS.presence, presence);
    } catch {
      // A lost hint only delays a release until the lease lapses.
    }
  }
}
