import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import type { EventLogPort } from '@lighthouse/event-log';
import type { Logger } from '@lighthouse/observability';
import { HealthModule, type MessageBus } from '@lighthouse/transport';
import { EventsModule } from './events/events.module';
import type { ChainVerifier } from './verify/chain-verifier';

@Module({})
export class AppModule {
  static register(log: EventLogPort, bus: MessageBus, logger: Logger, verifier?: ChainVerifier): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventsModule.register(log, bus, logger, verifier),
        HealthModule.register({
          service: 'event-store',
          subject: SUBJECTS.events.health,
          probe: () => ({
            status: log.halted ? 'degraded' : 'up',
            detail: { ...log.head(), halted: log.halted },
          }),
        }),
      ],
    };
  }
}
