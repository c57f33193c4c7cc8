import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventEnvelope } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { EventStoreClient, type NatsBus } from '@lighthouse/transport';
import { AgentDirectory, MessageBook, SendQuota } from '@lighthouse/messaging';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { MessageNotifier } from './message.notifier';
import { MessageRepository } from './message.repository';
import { MessagesConfigSchema, type MessagesConfig } from './messages.config';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

export interface MessagesDeps {
  config: DelegationRouterConfig & Partial<MessagesConfig>;
  bus: NatsBus;
  logger: Logger;
}

/** How often the book forgets what passed the retention window when nothing new is folded. */
const SWEEP_MS = 60_000;

/** Stops the book's sweep timer when the service shuts down. */
class BookSweeper implements OnApplicationShutdown {
  private readonly timer: NodeJS.Timeout;

  constructor(book: MessageBook) {
    this.timer = setInterval(() => book.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

/**
 * Messages between agents. The book is fed by the router's one store follower (see AppModule):
 * `follow` is what the follower calls with every committed event (messages, and the credential
 * events that say which agents exist).
 */
@Module({})
export class MessagesModule {
  static create({ config: given, bus, logger }: MessagesDeps): { follow: (event: EventEnvelope) => void; module: () => DynamicModule; repository: MessageRepository } {
    const config = { ...given, ...MessagesConfigSchema.parse(given) };
    const book = new MessageBook({ maxBytes: config.LH_MESSAGE_MEMORY_BYTES, maxInboxMessages: config.LH_MESSAGE_INBOX_MAX, retentionMs: config.LH_MESSAGE_RETENTION_S * 1000 });
    const repository = new MessageRepository(new EventStoreClient(bus), book, new AgentDirectory());
    const quota = new SendQuota({ ratePerSecond: config.LH_MESSAGE_RATE_PER_SECOND, burst: config.LH_MESSAGE_BURST });
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
          { provide: SendQuota, useValue: quota },
          { provide: BookSweeper, useValue: new BookSweeper(book) },
          { provide: DELEGATION_ROUTER_CONFIG, useValue: config },
        ],
        exports: [MessageRepository],
      }),
    };
  }
}
