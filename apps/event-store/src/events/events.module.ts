import { Module, type DynamicModule } from '@nestjs/common';
import { EventLog } from '@lighthouse/event-log';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({})
export class EventsModule {
  static register(log: EventLog, bus: MessageBus, logger: Logger): DynamicModule {
    return {
      module: EventsModule,
      controllers: [EventsController],
      providers: [
        EventsService,
        { provide: EventLog, useValue: log },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [EventsService],
    };
  }
}
