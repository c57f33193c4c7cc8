import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_EVENTS, FOLLOWED_CHANNELS, type EventEnvelope } from '@lighthouse/contracts';
import { NatsBus } from '@lighthouse/transport';

/** One open console stream: where committed events go. */
export interface FeedClient {
  send(event: EventEnvelope): void;
}

/** Most console streams one gateway serves at once (operators, not agents: a handful). */
export const MAX_CONSOLE_STREAMS = 32;

/**
 * Committed events for the console's live pages. The gateway hears the event store's committed
 * subjects (every channel's) only while at least one console stream is open: with no operator watching, the console
 * costs the agents' path nothing (no subscription, no decoding).
 */
@Injectable()
export class ConsoleFeed implements OnApplicationShutdown {
  private readonly clients = new Set<FeedClient>();
  private subscriptions?: Array<{ unsubscribe(): void }>;

  constructor(@Inject(NatsBus) private readonly bus: NatsBus) {}

  get size(): number {
    return this.clients.size;
  }

  /** Adds a stream; false when the gateway already serves as many as it will. */
  join(client: FeedClient): boolean {
    if (this.clients.size >= MAX_CONSOLE_STREAMS) return false;
    this.clients.add(client);
    this.subscriptions ??= FOLLOWED_CHANNELS.gateway.map((channel) =>
      this.bus.subscribe(BUS_EVENTS.committed, (message) => this.send(message.events), { suffix: channel }),
    );
    return true;
  }

  leave(client: FeedClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.unsubscribe();
  }

  onApplicationShutdown(): void {
    this.clients.clear();
    this.unsubscribe();
  }

  private send(events: readonly EventEnvelope[]): void {
    for (const event of events) for (const each of this.clients) each.send(event);
  }

  private unsubscribe(): void {
    for (const subscription of this.subscriptions ?? []) subscription.unsubscribe();
    this.subscriptions = undefined;
  }
}
