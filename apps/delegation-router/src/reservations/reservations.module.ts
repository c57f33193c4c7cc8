import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventChannel } from '@lighthouse/contracts';
import type { Logger, ServiceMetrics } from '@lighthouse/observability';
import { CompositeSnapshot } from '@lighthouse/snapshots';
import { DEFAULT_MAX_FRAME_BYTES, EventStoreClient, SnapshottedFollower, snapshotsOff, type NatsBus, type SnapshotSettings } from '@lighthouse/transport';
import { ReservationHousekeeper } from './reservation.housekeeper';
import { ReservationLedger } from './reservation.ledger';
import { ReservationsConfigSchema, type ReservationsConfig } from './reservations.config';
import { ReservationsController } from './reservations.controller';
import { ReservationsService } from './reservations.service';

/** What the book applies: reservations, and the session ends and revocations that release them. */
const RESERVATION_CHANNELS: readonly EventChannel[] = ['reservation', 'session', 'agent'];

/** The snapshot key of this follower; its state's layout version. */
export const RESERVATION_FOLLOWER_KIND = 'delegation-router-reservations';
const STATE_VERSION = 1;

export interface ReservationsDeps {
  config: Partial<ReservationsConfig> & { LH_MAX_FRAME_BYTES?: number };
  bus: NatsBus;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Where the follower keeps snapshots (absent: none, every start replays the log). */
  snapshots?: SnapshotSettings;
}

@Module({})
export class ReservationsModule {
  /** Catches the book up from the event store before answering, then follows committed events. */
  static async register({ config: given, bus, logger, metrics, snapshots }: ReservationsDeps): Promise<DynamicModule> {
    const config = ReservationsConfigSchema.parse(given);
    const store = new EventStoreClient(bus);
    const ledger = new ReservationLedger(store);
    const housekeeper = new ReservationHousekeeper(ledger, bus, config, logger);
    const follower = new SnapshottedFollower(bus, store, {
      kind: RESERVATION_FOLLOWER_KIND,
      projection: new CompositeSnapshot(STATE_VERSION, { ledger, housekeeper }),
      ...(snapshots ?? snapshotsOff()),
      metrics,
      onSnapshot: (outcome) => ('error' in outcome ? logger.warn({ err: outcome.error }, 'writing a snapshot failed; trying again later') : logger.debug(outcome, 'snapshot written')),
      channels: RESERVATION_CHANNELS,
      onEvent: (event) => {
        ledger.applyEnvelope(event);
        housekeeper.onEvent(event);
      },
      onError: (error) => logger.warn({ err: error }, 'following the event store failed; catching up again shortly'),
    });
    await store.waitUntilReady();
    const startup = await follower.start();
    if (startup.refused) logger.error({ follower: RESERVATION_FOLLOWER_KIND, refused: startup.refused, reason: startup.reason }, 'refused the stored snapshot (its MAC does not check, it may be forged): replaying the log from sequence 1');
    logger.info({ follower: RESERVATION_FOLLOWER_KIND, ...startup }, startup.snapshotSequence === null ? 'caught up from the start of the log' : 'caught up from a snapshot');
    housekeeper.start();
    const maxListBytes = Math.floor(((given.LH_MAX_FRAME_BYTES ?? DEFAULT_MAX_FRAME_BYTES) * 15) / 16);
    const service = new ReservationsService(ledger, config, maxListBytes, (agent) => housekeeper.seen(agent));
    return {
      module: ReservationsModule,
      controllers: [ReservationsController],
      providers: [
        { provide: ReservationsService, useValue: service },
        { provide: ReservationLedger, useValue: ledger },
        { provide: 'RESERVATIONS_FOLLOWER', useValue: follower },
        { provide: 'RESERVATIONS_STOPPER', useValue: new Stopper(follower, housekeeper) },
      ],
      exports: [ReservationsService, ReservationLedger],
    };
  }
}

class Stopper implements OnApplicationShutdown {
  constructor(
    private readonly follower: SnapshottedFollower,
    private readonly housekeeper: ReservationHousekeeper,
  ) {}

  onApplicationShutdown(): void {
    this.housekeeper.stop();
    this.follower.stop();
  }
}
