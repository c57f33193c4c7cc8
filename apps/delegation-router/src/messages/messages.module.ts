import { Module, type DynamicModule } from '@nestjs/common';
import type { EventEnvelope } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { EventStoreClient, type NatsBus } from '@lighthouse/transport';
import { MessageBook } from '@lighthouse/messaging';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { MessageNotifier } from './message.notifier';
import { MessageRepository } from './message.repository';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

export interface MessagesDeps {
  config: DelegationRouterConfig;
  bus: NatsBus;
  logger: Logger;
}

/**
 * Messages between agents. The book is fed by the router's one store follower (see AppModule):
 * `follow` is what the follower calls with every committed event.
 */
@Module({})
export class MessagesModule {
  static create({ config, bus, logger }: MessagesDeps): { follow: (event: EventEnvelope) => void; module: () => DynamicModule; repository: MessageRepository } {
    const repository = new MessageRepository(new EventStoreClient(bus), new MessageBook());
    return {
      repository,
      follow: (event) => repository.applyEnvelope(event),
      module: () => ({
        module: MessagesModule,
        controllers: [MessagesController],
        providers: [
          MessagesService,
          { provide: MessageRepository, useValue: repository },
          { provide: MessageNotifier, useValue: new MessageNotifier(bus.streams, logger) },
          { provide: DELEGATION_ROUTER_CONFIG, useValue: config },
        ],
        exports: [MessageRepository],
      }),
    };
  }
}
