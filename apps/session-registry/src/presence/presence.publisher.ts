import { Inject, Injectable } from '@nestjs/common';
import { BUS_EVENTS, type Presence } from '@lighthouse/contracts';
import { NatsBus } from '@lighthouse/transport';
import { REGISTRY_CONFIG, type RegistryConfig } from '../registry.config';
import { PresenceThrottle } from './presence-throttle';

/**
 * Tells the services that hold work for agents (the delegation router) when an agent shows it is
 * alive (a heartbeat, a signed request) or is gone (its session ended, it was revoked), so
 * claims follow liveness. Hints on core NATS: leases still lapse on their own if one is missed.
 * An agent's `alive` goes out at most once per LH_PRESENCE_INTERVAL_MS from this replica (the
 * leases it extends are many times longer): a heartbeat or signed change sooner after the last
 * one costs no publish, and no wake-up of every replica of the router. `gone` always goes out.
 */
@Injectable()
export class PresencePublisher {
  private readonly throttle: PresenceThrottle;

  constructor(
    @Inject(NatsBus) private readonly bus: NatsBus,
    @Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'LH_PRESENCE_INTERVAL_MS'>,
  ) {
    this.throttle = new PresenceThrottle({ intervalMs: config.LH_PRESENCE_INTERVAL_MS, maxEntries: 100_000 });
  }

  alive(agent: string): void {
    const nowMs = Date.now();
    if (this.throttle.alive(agent, nowMs)) this.send({ agent, status: 'alive', at: new Date(nowMs).toISOString() });
  }

  gone(agent: string): void {
    this.throttle.gone(agent);
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
