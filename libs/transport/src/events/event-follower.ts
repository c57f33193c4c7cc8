import { BUS_EVENTS, type EventEnvelope } from '@lighthouse/contracts';
import type { NatsBus } from '../nats-bus';
import type { EventStoreClient } from './event-store.client';

export interface FollowOptions {
  /** First sequence wanted (default 1: the whole history). */
  fromSequence?: number;
  /** Called once per event, in sequence order, without gaps or repeats. */
  onEvent: (event: EventEnvelope) => void | Promise<void>;
  /** Called when a gap in the live subject was filled from the store (for metrics and logs). */
  onGap?: (gap: { from: number; to: number }) => void;
  /** Called when a step failed (a store read, the callback); the follower retries on its own. */
  onError?: (error: unknown) => void;
  /** Pause before catching up again after a failure (default 1000 ms). */
  retryMs?: number;
  pageSize?: number;
}

/**
 * Catches up from the store by sequence, then follows the live committed-event subject.
 * Live events that arrive while catching up are buffered; a live event past the next expected
 * sequence means a gap (a lost message or a slow subscriber), which is filled from the store,
 * so the callback sees every event exactly once and in order.
 */
export class EventFollower {
  private next: number;
  private subscription?: { unsubscribe(): void };
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: Pick<NatsBus, 'subscribe'>,
    private readonly store: EventStoreClient,
    private readonly options: FollowOptions,
  ) {
    this.next = options.fromSequence ?? 1;
  }

  /** Subscribes first (so nothing committed meanwhile is missed), then catches up. */
  async start(): Promise<void> {
    // The bus drops what does not decode or match the committed-event contract.
    this.subscription = this.bus.subscribe(BUS_EVENTS.committed, (event) => this.enqueue(() => this.onLive(event)));
    // The first catch-up must succeed (a service should not start on a partial view).
    const first = this.chain.then(() => this.catchUp(Number.POSITIVE_INFINITY));
    this.chain = first.catch(() => undefined);
    await first;
  }

  /** The next sequence this follower expects. */
  get position(): number {
    return this.next;
  }

  /** Resolves when everything received so far has been delivered. */
  idle(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.subscription?.unsubscribe();
  }

  /**
   * Steps run one at a time, in order. A failed step must not stop the follower for good: it is
   * reported, and a catch-up from the store is scheduled (which also covers whatever live event
   * the failed step was handling).
   */
  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.options.onError?.(error);
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.enqueue(() => this.catchUp(Number.POSITIVE_INFINITY));
    }, this.options.retryMs ?? 1000);
    this.retryTimer.unref?.();
  }

  private async onLive(event: EventEnvelope): Promise<void> {
    if (event.sequence < this.next) return;
    if (event.sequence > this.next) {
      const gap = { from: this.next, to: event.sequence - 1 };
      await this.catchUp(gap.to);
      this.options.onGap?.(gap);
      if (event.sequence < this.next) return;
    }
    await this.deliver(event);
  }

  /** Reads from the store from `next` up to `until` (or the end of the log). */
  private async catchUp(until: number): Promise<void> {
    while (this.next <= until) {
      const page = await this.store.read({ fromSequence: this.next, limit: this.options.pageSize ?? 500 });
      for (const event of page.events) if (event.sequence <= until) await this.deliver(event);
      if (page.nextSequence === null || page.events.length === 0) return;
    }
  }

  private async deliver(event: EventEnvelope): Promise<void> {
    if (event.sequence !== this.next) return;
    await this.options.onEvent(event);
    this.next = event.sequence + 1;
  }
}
