import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LighthouseError, PresenceSchema, SUBJECTS, queueGroupOf, type Delegation } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { FrameCodec, LOGGER } from '@lighthouse/transport';
import type { NatsConnection, Subscription } from 'nats';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { decideExtend, decideRelease, decideTick, isTerminal } from './delegation.decider';
import type { DelegationEvent } from './delegation.events';
import { DelegationRepository } from './delegation.repository';
import { DelegationsService } from './delegations.service';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * Keeps delegations moving without anyone asking: expires them past their deadline, releases
 * lapsed leases (so the work is reassigned), and follows agents' presence — a heartbeat extends
 * the agent's leases, a session that ended releases its claims at once.
 */
@Injectable()
export class DelegationHousekeeper implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private presence?: Subscription;
  private ticking = false;
  private readonly codec = new FrameCodec();

  constructor(
    @Inject(DelegationsService) private readonly service: DelegationsService,
    @Inject(DelegationRepository) private readonly repo: DelegationRepository,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DELEGATION_ROUTER_CONFIG) private readonly config: DelegationRouterConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.config.LH_DELEGATION_TICK_MS);
    this.presence = this.connection.subscribe(SUBJECTS.session.presence, {
      queue: queueGroupOf('delegation-router'),
      callback: (error, msg) => {
        if (error) return;
        const parsed = PresenceSchema.safeParse(this.safeDecode(msg.data));
        if (parsed.success) void this.onPresence(parsed.data.agent, parsed.data.status);
      },
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
      for (const d of this.open()) await this.apply(d, 'housekeeping', (x) => decideTick(x, now));
    } finally {
      this.ticking = false;
    }
  }

  async onPresence(agent: string, status: 'alive' | 'gone'): Promise<void> {
    for (const d of this.open()) {
      if (d.assignee !== agent) continue;
      await this.apply(d, agent, (x) =>
        status === 'alive' ? decideExtend(x, agent, Date.now(), this.service.leases) : decideRelease(x, agent, 'session ended'),
      );
    }
  }

  private open(): Delegation[] {
    return [...this.repo.projection.all()].map((t) => t.delegation).filter((d) => !isTerminal(d));
  }

  private async apply(d: Delegation, agent: string, decide: (d: Delegation) => DelegationEvent[]): Promise<void> {
    try {
      if (decide(d).length > 0) await this.service.change(d.id, agent, 'updated', decide);
    } catch (error) {
      if (error instanceof LighthouseError && error.code === 'CONFLICT') return;
      this.logger.warn({ err: error, delegation: d.id }, 'housekeeping of a delegation failed');
    }
  }

  private safeDecode(bytes: Uint8Array): unknown {
    try {
      return this.codec.decodeRequest(bytes).data;
    } catch {
      return undefined;
    }
  }
}
