import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BUS_EVENTS, LighthouseError, queueGroupOf, type Delegation } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, NatsBus } from '@lighthouse/transport';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { decide, type Decision } from '@lighthouse/delegation';
import { DelegationRepository } from './delegation.repository';
import { DelegationsService } from './delegations.service';

/**
 * Keeps delegations moving without anyone asking: expires them past their deadline, releases
 * lapsed leases (so the work is reassigned), and follows agents' presence — a heartbeat extends
 * the agent's leases, a session that ended releases its claims at once.
 */
@Injectable()
export class DelegationHousekeeper implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private presence?: { unsubscribe(): void };
  private ticking = false;

  constructor(
    @Inject(DelegationsService) private readonly service: DelegationsService,
    @Inject(DelegationRepository) private readonly repo: DelegationRepository,
    @Inject(NatsBus) private readonly bus: NatsBus,
    @Inject(DELEGATION_ROUTER_CONFIG) private readonly config: DelegationRouterConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.config.LH_DELEGATION_TICK_MS);
    this.presence = this.bus.subscribe(BUS_EVENTS.presence, (presence) => void this.onPresence(presence.agent, presence.status), {
      queue: queueGroupOf('delegation-router'),
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.presence?.unsubscribe();
  }

  /** One pass over every open delegation; a pass never overlaps the previous one. */
  async tick(now = Date.now()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const d of this.open()) await this.apply(d, 'housekeeping', (x) => decide({ type: 'tick', now }, x));
    } finally {
      this.ticking = false;
    }
  }

  async onPresence(agent: string, status: 'alive' | 'gone'): Promise<void> {
    for (const d of this.service.heldBy(agent)) {
      if (d.assignee !== agent) continue;
      await this.apply(d, agent, (x) =>
        decide(status === 'alive' ? { type: 'extend', agent, now: Date.now(), leases: this.service.leases } : { type: 'release', agent, reason: 'session ended' }, x),
      );
    }
  }

  /** The open delegations only: finished ones are never walked again. */
  private open(): Delegation[] {
    return [...this.repo.projection.open()];
  }

  private async apply(d: Delegation, agent: string, decide: (d: Delegation) => Decision): Promise<void> {
    const first = decide(d);
    if (!first.ok || first.events.length === 0) return;
    try {
      await this.service.attempt(d.id, agent, 'updated', decide);
    } catch (error) {
      if (error instanceof LighthouseError && error.code === 'CONFLICT') return;
      this.logger.warn({ err: error, delegation: d.id }, 'housekeeping of a delegation failed');
    }
  }
}
