import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventChannel } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { DEFAULT_MAX_FRAME_BYTES, EventFollower, EventStoreClient, type NatsBus } from '@lighthouse/transport';
import { ReservationHousekeeper } from './reservation.housekeeper';
import { ReservationLedger } from './reservation.ledger';
import { ReservationsConfigSchema, type ReservationsConfig } from './reservations.config';
import { ReservationsController } from './reservations.controller';
import { ReservationsService } from './reservations.service';

/** What the book applies: reservations, and the session ends and revocations that release them. */
const RESERVATION_CHANNELS: readonly EventChannel[] = ['reservation', 'session', 'agent'];

export interface ReservationsDeps {
  config: Partial<ReservationsConfig> & { LH_MAX_FRAME_BYTES?: number };
  bus: NatsBus;
  logger: Logger;
}

@Module({})
export class ReservationsModule {
  /** Catches the book up from the event store before answering, then follows committed events. */
  static async register({ config: given, bus, logger }: ReservationsDeps): Promise<DynamicModule> {
    const config = ReservationsConfigSchema.parse(given);
    const store = new EventStoreClient(bus);
    const ledger = new ReservationLedger(store);
    const housekeeper = new ReservationHousekeeper(ledger, bus, config, logger);
    const follower = new EventFollower(bus, store, {
      channels: RESERVATION_CHANNELS,
      onEvent: (event) => {
        ledger.applyEnvelope(event);
        housekeeper.onEvent(event);
      },
      onError: (error) => logger.warn({ err: error }, 'following the event store failed; catching up again shortly'),
    });
    await store.waitUntilReady();
    await follower.start();
    housekeeper.start();
    const maxListBytes = Math.floor(((given.LH_MAX_FRAME_BYTES ?? DEFAULT_MAX_FRAME_BYTES) * 15) / 16);
    const service = new ReservationsService(ledger, config, maxListBytes, (agent) => housekeeper.seen(agent));
    return {
      module: ReservationsModule,
      controllers: [ReservationsController],
      providers: [
        { provide: ReservationsService, useValue: service },
        { provide: ReservationLedger, useValue: ledger },
        { provide: 'RESERVATIONS_STOPPER', useValue: new Stopper(follower, housekeeper) },
      ],
      exports: [ReservationsService, ReservationLedger],
    };
  }
}

class Stopper implements OnApplicationShutdown {
  constructor(
    private readonly follower: EventFollower,
    private readonly housekeeper: ReservationHousekeeper,
  ) {}

  onApplicationShutdown(): void {
    this.housekeeper.stop();
    this.follower.stop();
  }
}
