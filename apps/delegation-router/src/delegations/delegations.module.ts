import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventChannel, EventEnvelope } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { EventFollower, EventStoreClient, LOGGER, NatsBus } from '@lighthouse/transport';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { DelegationHousekeeper } from './delegation.housekeeper';
import { DelegationNotifier } from './delegation.notifier';
import { DelegationProjection } from './delegation.projection';
import { DelegationRepository } from './delegation.repository';
import { DelegationsController } from './delegations.controller';
import { DelegationsService } from './delegations.service';

/**
 * What this follower applies: delegations, and for `alsoFollow` messages, the credential events
 * that say which agents a message may name, and agents' own events (search).
 */
const DELEGATION_CHANNELS: readonly EventChannel[] = ['delegation', 'message', 'credential', 'agent', 'other'];

export interface DelegationsDeps {
  config: DelegationRouterConfig;
  bus: NatsBus;
  logger: Logger;
  /** Other projections of the router fed by the same follower (messages). */
  alsoFollow?: readonly ((event: EventEnvelope) => void)[];
}

@Module({})
export class DelegationsModule {
  /**
   * Catches the projection up from the event store before the module answers anything, then
   * keeps following the committed-event subject.
   */
  static async register({ config, bus, logger, alsoFollow = [] }: DelegationsDeps): Promise<DynamicModule> {
    const projection = new DelegationProjection();
    const store = new EventStoreClient(bus);
    const follower = new EventFollower(bus, store, {
      channels: DELEGATION_CHANNELS,
      onEvent: (event) => {
        projection.applyEnvelope(event);
        for (const follow of alsoFollow) follow(event);
      },
      onGap: (gap) => logger.warn(gap, 'filled a gap in the event stream from the store'),
      onError: (error) => logger.warn({ err: error }, 'following the event store failed; catching up again shortly'),
    });
    await store.waitUntilReady();
    await follower.start();
    const notifier = await DelegationNotifier.create(bus, logger);
    return {
      module: DelegationsModule,
      controllers: [DelegationsController],
      providers: [
        DelegationsService,
        DelegationHousekeeper,
        { provide: DelegationRepository, useValue: new DelegationRepository(store, projection) },
        { provide: DelegationNotifier, useValue: notifier },
        { provide: DELEGATION_ROUTER_CONFIG, useValue: config },
        { provide: NatsBus, useValue: bus },
        { provide: LOGGER, useValue: logger },
        { provide: 'FOLLOWER_STOPPER', useValue: new FollowerStopper(follower, bus) },
      ],
      exports: [DelegationsService, DelegationRepository],
    };
  }
}

/** Stops following and drains the connection when the service shuts down. */
class FollowerStopper implements OnApplicationShutdown {
  constructor(
    private readonly follower: EventFollower,
    private readonly bus: NatsBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.follower.stop();
    await this.bus.close().catch(() => undefined);
  }
}
