import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_EVENTS, type AppendRequest, type EventEnvelope, type AppendResult, type LogHead, type ReadQuery, type ReadResult } from '@lighthouse/contracts';
import { EventLog } from '@lighthouse/event-log';
import { LOGGER, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import type { Logger } from '@lighthouse/observability';

/**
 * The store's one use of the log: append (then publish what became durable), read, head.
 * The engine's errors already carry stable codes (PAYLOAD_TOO_LARGE, STORE_UNAVAILABLE, …).
 */
@Injectable()
export class EventsService implements OnApplicationShutdown {
  constructor(
    @Inject(EventLog) private readonly log: EventLog,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const outcome = await this.log.append(request);
    // Published only after the batch is on disk: a follower never sees an event the store could lose.
    for (const envelope of outcome.committed) this.publish(envelope);
    return outcome.result;
  }

  /**
   * A failed publish does not fail the append (the events are durable already); followers notice
   * the gap at the next event and read what they missed from the store.
   */
  private publish(envelope: EventEnvelope): void {
    try {
      this.bus.publish(BUS_EVENTS.committed, envelope);
    } catch (error) {
      this.logger.warn({ err: error, sequence: envelope.sequence }, 'could not publish a committed event');
    }
  }

  read(query: ReadQuery): Promise<ReadResult> {
    return this.log.read(query);
  }

  head(): LogHead {
    return this.log.head();
  }

  get halted(): boolean {
    return this.log.halted;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.close();
  }
}
