import { RPC, type AppendRequest, type AppendResult, type LogHead, type ReadResult, type RpcRequest } from '@lighthouse/contracts';
import type { MessageBus } from '../nats-bus';

export type ReadQueryInput = RpcRequest<typeof RPC.events.read>;

/** How other services append to and read the event store; every reply is parsed on arrival. */
export class EventStoreClient {
  constructor(
    private readonly bus: MessageBus,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Resolves once the store has the events on disk (or with a conflict value). */
  append(request: AppendRequest): Promise<AppendResult> {
    return this.bus.request(RPC.events.append, request, { timeoutMs: this.timeoutMs });
  }

  read(query: ReadQueryInput = {}): Promise<ReadResult> {
    return this.bus.request(RPC.events.read, query, { timeoutMs: this.timeoutMs });
  }

  /** Resolves once the store answers (services that start together wait for it), or throws. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.bus.request(RPC.events.head, {}, { timeoutMs: 1_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  head(): Promise<LogHead> {
    return this.bus.request(RPC.events.head, {}, { timeoutMs: this.timeoutMs });
  }
}
