import { Module, type DynamicModule } from '@nestjs/common';
import type { EventLogPort } from '@lighthouse/event-log';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { EventsController } from './events.controller';
import { EVENT_LOG, EventsService } from './events.service';
import { ChainVerifier } from '../verify/chain-verifier';

@Module({})
export class EventsModule {
  static register(log: EventLogPort, bus: MessageBus, logger: Logger, verifier?: ChainVerifier): DynamicModule {
    return {
      module: EventsModule,
      controllers: [EventsController],
      providers: [
        EventsService,
        { provide: EVENT_LOG, useValue: log },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: LOGGER, useValue: logger },
        { provide: ChainVerifier, useValue: verifier ?? null },
      ],
      exports: [EventsService],
    };
  }
}
