import { BUS_EVENTS, eventChannelOf, type CommittedEvents, type EventChannel, type EventEnvelope, type LogHead } from '@lighthouse/contracts';
import type { NatsBus } from '../nats-bus';
import { isCommittedEventsShape } from './committed-events-shape';
import type { EventStoreClient } from './event-store.client';

export interface FollowOptions {
  /**
   * The channels of the events this follower applies (see `eventChannelOf`): it subscribes to
   * those channels' subjects only, and is handed no event of any other channel.
   */
  channels: readonly EventChannel[];
  /** First sequence wanted (default 1: the whole history). */
  fromSequence?: number;
  /** The last event already folded before `fromSequence` (from a snapshot), if known. */
  lastDelivered?: { sequence: number; id: string };
  /** Called once per event of the followed channels, in sequence order, without gaps or repeats. */
  onEvent: (event: EventEnvelope) => void | Promise<void>;
  /** Called when a gap in the live subjects was filled from the store (for metrics and logs). */
  onGap?: (gap: { from: number; to: number }) => void;
  /** Called when a step failed (a store read, the callback); the follower retries on its own. */
  onError?: (error: unknown) => void;
  /** Pause before catching up again after a failure (default 1000 ms). */
  retryMs?: number;
  pageSize?: number;
}

/**
 * Catches up from the store by sequence, then follows the live committed-event subjects of its
 * channels. Live messages that arrive while catching up wait their turn. A message starting past
 * the next expected sequence is a gap only if its `before` bounds say an event of a followed
 * channel may lie in between (a lost message, a slow subscriber); the gap is filled from the
 * store, so the callback sees every event of its channels exactly once and in order.
 */
export class EventFollower {
  private next: number;
  private readonly channels: ReadonlySet<EventChannel>;
  private subscriptions: Array<{ unsubscribe(): void }> = [];
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  /** The last event delivered (its sequence and id). */
  private last: { sequence: number; id: string } | null = null;

  constructor(
    private readonly bus: Pick<NatsBus, 'subscribe'>,
    private readonly store: Pick<EventStoreClient, 'read'>,
    private readonly options: FollowOptions,
  ) {
    if (options.channels.length === 0) throw new Error('an event follower needs at least one channel');
    this.channels = new Set(options.channels);
    this.next = options.fromSequence ?? 1;
    this.last = options.lastDelivered ?? null;
  }

  /** Subscribes first (so nothing committed meanwhile is missed), then catches up. */
  async start(): Promise<void> {
    // The bus drops what does not decode or have the committed-events shape. Only the event store
    // may publish on these subjects (nats-permissions), and it validated every event at append:
    // the full schema again (UUID, name and timestamp formats of every event) would be paid by
    // every follower for every event, so the follower checks only the shape it relies on.
    this.subscriptions = [...this.channels].map((channel) =>
      this.bus.subscribe(BUS_EVENTS.committed, (message) => this.enqueue(() => this.onLive(message)), { suffix: channel, check: isCommittedEventsShape }),
    );
    // The first catch-up must succeed (a service should not start on a partial view).
    const first = this.chain.then(() => this.catchUp(Number.POSITIVE_INFINITY));
    this.chain = first.catch(() => undefined);
    await first;
  }

  /** The next sequence this follower expects: every event of its channels before it was delivered. */
  get position(): number {
    return this.next;
  }

  /** Resolves when everything received so far has been delivered. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Whether the store's head says it holds an event of a followed channel at or past the position. */
  lacksAnythingOf(head: LogHead): boolean {
    if (!head.channels) return head.lastSequence >= this.next;
    for (const channel of this.channels) if ((head.channels[channel] ?? head.lastSequence) >= this.next) return true;
    return false;
  }

  /**
   * Reads from the store whatever it holds past the position (a lost last message is otherwise
   * noticed only when the next one comes); resolves when done, rejects if the read failed.
   */
  catchUpNow(): Promise<void> {
    const step = this.chain.then(() => this.catchUp(Number.POSITIVE_INFINITY));
    this.enqueue(() => step);
    return step;
  }

  /**
   * Runs `capture` between two steps (never while an event is being delivered), with the
   * position then: everything of the followed channels before it is in the projection.
   */
  atRest<T>(capture: (position: number, last: { sequence: number; id: string } | null) => T): Promise<T> {
    const step = this.chain.then(() => capture(this.next, this.last));
    this.chain = step.then(
      () => undefined,
      () => undefined,
    );
    return step;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
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

  private async onLive(message: CommittedEvents): Promise<void> {
    if (!this.channels.has(message.channel)) return;
    const first = (message.events[0] as EventEnvelope).sequence;
    if (first > this.next) {
      if (this.mayHaveMissed(message)) {
        const gap = { from: this.next, to: first - 1 };
        await this.catchUp(gap.to);
        this.options.onGap?.(gap);
      } else {
        this.next = first;
      }
    }
    for (const event of message.events) {
      // A message is one channel's; an event that is not of it is not the store's doing.
      if (eventChannelOf(event) !== message.channel) continue;
      await this.deliver(event);
    }
  }

  /** Whether an event of a followed channel may lie between the position and the message. */
  private mayHaveMissed(message: CommittedEvents): boolean {
    for (const channel of this.channels) if ((message.before[channel] ?? Number.POSITIVE_INFINITY) >= this.next) return true;
    return false;
  }

  /** Reads from the store from `next` up to `until` (or the end of the log), delivering the followed channels' events. */
  private async catchUp(until: number): Promise<void> {
    while (this.next <= until) {
      const page = await this.store.read({ fromSequence: this.next, limit: this.options.pageSize ?? 500 });
      const start = this.next;
      for (const event of page.events) {
        if (event.sequence > until) break;
        if (this.channels.has(eventChannelOf(event))) await this.deliver(event);
        else if (event.sequence >= this.next) this.next = event.sequence + 1;
      }
      if (page.nextSequence === null || page.events.length === 0) return;
      if (this.next === start) return;
    }
  }

  private async deliver(event: EventEnvelope): Promise<void> {
    if (event.sequence < this.next) return;
    await this.options.onEvent(event);
    this.next = event.sequence + 1;
    this.last = { sequence: event.sequence, id: event.id };
  }
}
