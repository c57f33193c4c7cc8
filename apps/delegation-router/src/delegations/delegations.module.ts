import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventChannel, EventEnvelope } from '@lighthouse/contracts';
import { DEFAULT_RETENTION, DelegationProjection } from '@lighthouse/delegation';
import type { Logger, ServiceMetrics } from '@lighthouse/observability';
import { CompositeSnapshot, type SnapshotPart } from '@lighthouse/snapshots';
import { EventStoreClient, LOGGER, NatsBus, SnapshottedFollower, type SnapshotSettings } from '@lighthouse/transport';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig, type RouterFollowerConfig } from '../delegation-router.config';
import { DelegationHousekeeper } from './delegation.housekeeper';
import { DelegationNotifier } from './delegation.notifier';
import { DelegationRepository } from './delegation.repository';
import { DelegationsController } from './delegations.controller';
import { DelegationsService } from './delegations.service';

/**
 * What this follower applies: delegations, and for `alsoFollow` messages, the credential events
 * that say which agents a message may name, and agents' own events (search).
 */
const DELEGATION_CHANNELS: readonly EventChannel[] = ['delegation', 'message', 'credential', 'agent', 'other'];

/** The snapshot key of this follower, and the layout version of its state (bump when a part's layout changes). */
export const DELEGATION_FOLLOWER_KIND = 'delegation-router';
const STATE_VERSION = 1;

export interface DelegationsDeps {
  config: DelegationRouterConfig & RouterFollowerConfig;
  bus: NatsBus;
  logger: Logger;
  metrics?: ServiceMetrics;
  snapshots: SnapshotSettings;
  /** Other projections of the router fed by the same follower (messages). */
  alsoFollow?: readonly ((event: EventEnvelope) => void)[];
  /** Those projections, by name, in the follower's snapshot. */
  alsoKeep?: Readonly<Record<string, SnapshotPart>>;
}

@Module({})
export class DelegationsModule {
  /**
   * Loads the projections from the last snapshot and catches them up from the event store before
   * the module answers anything, then keeps following the committed-event subject.
   */
  static async register({ config, bus, logger, metrics, snapshots, alsoFollow = [], alsoKeep = {} }: DelegationsDeps): Promise<DynamicModule> {
    const projection = new DelegationProjection({
      maxFinished: config.LH_DELEGATION_KEEP_FINISHED ?? DEFAULT_RETENTION.maxFinished,
      finishedTtlMs: config.LH_DELEGATION_KEEP_FINISHED_MS ?? DEFAULT_RETENTION.finishedTtlMs,
    });
    const store = new EventStoreClient(bus);
    const follower = new SnapshottedFollower(bus, store, {
      kind: DELEGATION_FOLLOWER_KIND,
      projection: new CompositeSnapshot(STATE_VERSION, { delegations: projection, ...alsoKeep }),
      ...snapshots,
      metrics,
      channels: DELEGATION_CHANNELS,
      onEvent: (event) => {
        projection.applyEnvelope(event);
        for (const follow of alsoFollow) follow(event);
      },
      onGap: (gap) => logger.warn(gap, 'filled a gap in the event stream from the store'),
      onError: (error) => logger.warn({ err: error }, 'following the event store failed; catching up again shortly'),
      onSnapshot: (outcome) => ('error' in outcome ? logger.warn({ err: outcome.error }, 'writing a snapshot failed; trying again later') : logger.debug(outcome, 'snapshot written')),
    });
    await store.waitUntilReady();
    const startup = await follower.start();
    if (startup.refused) logger.error({ follower: DELEGATION_FOLLOWER_KIND, refused: startup.refused, reason: startup.reason }, 'refused the stored snapshot (its MAC does not check, it may be forged): replaying the log from sequence 1');
    logger.info({ follower: DELEGATION_FOLLOWER_KIND, ...startup }, startup.snapshotSequence === null ? 'caught up from the start of the log' : 'caught up from a snapshot');
    const notifier = await DelegationNotifier.create(bus, logger);
    return {
      module: DelegationsModule,
      controllers: [DelegationsController],
      providers: [
        DelegationsService,
        DelegationHousekeeper,
        { provide: DelegationRepository, useValue: new DelegationRepository(store, projection, () => notifier.flush()) },
        { provide: DelegationNotifier, useValue: notifier },
        { provide: DELEGATION_ROUTER_CONFIG, useValue: config },
        { provide: NatsBus, useValue: bus },
        { provide: LOGGER, useValue: logger },
        { provide: SnapshottedFollower, useValue: follower },
        { provide: 'FOLLOWER_STOPPER', useValue: new FollowerStopper(follower, bus, notifier) },
      ],
      exports: [DelegationsService, DelegationRepository, SnapshottedFollower],
    };
  }
}

/** Stops following and drains the connection when the service shuts down. */
class FollowerStopper implements OnApplicationShutdown {
  constructor(
    private readonly follower: SnapshottedFollower,
    private readonly bus: NatsBus,
    private readonly notifier: DelegationNotifier,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.follower.stop();
    this.notifier.flush();
    await this.bus.close().catch(() => undefined);
  }
}
