import { Inject, Injectable } from '@nestjs/common';
import { LighthouseError, type SessionEventData, type SessionEventType } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { EventStoreClient, LOGGER } from '@lighthouse/transport';
import { sessionEvent } from './session-event';

/**
 * Appends the registry's events to the event store and resolves only once the store has them
 * on disk. Any failure (store down, slow, full, or a conflict) becomes STORE_UNAVAILABLE, so the
 * caller never acknowledges a change whose event was not stored.
 */
@Injectable()
export class SessionEventsRecorder {
  constructor(
    @Inject(EventStoreClient) private readonly store: EventStoreClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record<T extends SessionEventType>(type: T, agentId: string, data: SessionEventData<T>, correlationId: string, onFailure = 'nothing was changed'): Promise<void> {
    const event = sessionEvent(type, agentId, data, correlationId);
    let failure: unknown;
    try {
      const result = await this.store.append({ events: [event] });
      if (result.status === 'committed') return;
      failure = new Error(`unexpected ${result.status}`);
    } catch (error) {
      failure = error;
    }
    const code = failure instanceof LighthouseError ? failure.code : 'INTERNAL';
    this.logger.warn({ err: failure, type, agentId }, 'could not store a session event');
    throw new LighthouseError('STORE_UNAVAILABLE', `the ${type} event could not be stored (${code}); ${onFailure}; retry later`, { cause: failure });
  }
}
