import {
  AppendResultSchema,
  LogHeadSchema,
  ReadResultSchema,
  SUBJECTS,
  type AppendRequest,
  type AppendResult,
  type LogHead,
  type ReadResult,
} from '@lighthouse/contracts';
import type { z } from 'zod';
import type { ReadQuerySchema } from '@lighthouse/contracts';
import type { MessageBus } from '../nats-bus';

export type ReadQueryInput = z.input<typeof ReadQuerySchema>;

/** How other services append to and read the event store. */
export class EventStoreClient {
  constructor(
    private readonly bus: MessageBus,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Resolves once the store has the events on disk (or with a conflict value). */
  append(request: AppendRequest): Promise<AppendResult> {
    return this.bus.request(SUBJECTS.events.append, request, { timeoutMs: this.timeoutMs, schema: AppendResultSchema });
  }

  read(query: ReadQueryInput = {}): Promise<ReadResult> {
    return this.bus.request(SUBJECTS.events.read, query, { timeoutMs: this.timeoutMs, schema: ReadResultSchema });
  }

  /** Resolves once the store answers (services that start together wait for it), or throws. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.bus.request(SUBJECTS.events.head, {}, { timeoutMs: 1_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  head(): Promise<LogHead> {
    return this.bus.request(SUBJECTS.events.head, {}, { timeoutMs: this.timeoutMs, schema: LogHeadSchema });
  }
}
