import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_EVENTS, LighthouseError, type AppendRequest, type AppendResult, type CommittedEvents, type LogHead, type ReadQuery, type ReadResult } from '@lighthouse/contracts';
import type { EventLogPort } from '@lighthouse/event-log';
import { LOGGER, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import type { Logger } from '@lighthouse/observability';
import { CommittedRuns, halves } from './committed-runs';

/** Injection token of the log the store serves (the file engine or the replicated one). */
export const EVENT_LOG = Symbol('EVENT_LOG');

/**
 * The store's one use of the log: append (then publish what became durable), read, head.
 * The engine's errors already carry stable codes (PAYLOAD_TOO_LARGE, STORE_UNAVAILABLE, …).
 */
@Injectable()
export class EventsService implements OnApplicationShutdown {
  private readonly runs: CommittedRuns;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLogPort,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.runs = new CommittedRuns(log.head().lastSequence);
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const outcome = await this.log.append(request);
    // Published only after the batch is on disk: a follower never sees an event the store could
    // lose. One message per run of one channel, on that channel's subject: each follower gets
    // only the channels it applies.
    for (const message of this.runs.messagesOf(outcome.committed)) this.publish(message);
    return outcome.result;
  }

  /**
   * A failed publish does not fail the append (the events are durable already); followers notice
   * the gap at the next message of the channel and read what they missed from the store. A
   * message over the frame limit goes out in halves.
   */
  private publish(message: CommittedEvents): void {
    try {
      this.bus.publish(BUS_EVENTS.committed, message, { suffix: message.channel });
    } catch (error) {
      if (error instanceof LighthouseError && error.code === 'PAYLOAD_TOO_LARGE' && message.events.length > 1) {
        for (const half of halves(message)) this.publish(half);
        return;
      }
      this.logger.warn({ err: error, sequence: message.events[0]?.sequence, channel: message.channel }, 'could not publish committed events');
    }
  }

  read(query: ReadQuery): Promise<ReadResult> {
    return this.log.read(query);
  }

  head(): LogHead {
    return { ...this.log.head(), channels: this.runs.bounds() };
  }

  get halted(): boolean {
    return this.log.halted;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.close();
  }
}
