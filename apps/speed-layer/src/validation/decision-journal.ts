import { BUS_EVENTS, JETSTREAM_STREAMS, NewEventSchema, type NewEvent } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { BusStreams, Delivery, DurableConsumer, EventStoreClient } from '@lighthouse/transport';

export const DECISION_STREAM = JETSTREAM_STREAMS.decisions;
const FORWARDER = 'event-store-forwarder';
const JOURNAL_SUBJECT = BUS_EVENTS.decisionJournaled.subject as string;
/** Every decision event goes to this event-store stream. */
export const DECISIONS_EVENT_STREAM = 'decisions';

/**
 * Decisions are journaled before they are answered: published to a JetStream stream (the
 * server acknowledges, so a speed-layer that dies right after answering loses nothing), then
 * moved in batches into the event store by a durable consumer shared by every replica. The
 * event id is the decision id, so a batch delivered twice is stored once.
 */
export class DecisionJournal {
  private running = false;
  private loop?: Promise<void>;

  private constructor(
    private readonly streams: BusStreams,
    private readonly consumer: DurableConsumer,
    private readonly store: EventStoreClient,
    private readonly logger: Logger,
  ) {}

  static async open(streams: BusStreams, store: EventStoreClient, logger: Logger): Promise<DecisionJournal> {
    await streams.ensure({ name: DECISION_STREAM, subjects: [JOURNAL_SUBJECT], retention: 'workqueue' });
    const consumer = await streams.durable({ stream: DECISION_STREAM, name: FORWARDER, ackWaitMs: 30_000, maxAckPending: 20_000 });
    return new DecisionJournal(streams, consumer, store, logger);
  }

  /** Resolves once the JetStream server holds the event. */
  async record(event: NewEvent): Promise<void> {
    await this.streams.publish(JOURNAL_SUBJECT, event, { msgId: event.id });
  }

  /** Starts moving journaled decisions into the event store. */
  start(): void {
    this.running = true;
    this.loop = this.forward();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async forward(): Promise<void> {
    while (this.running) {
      try {
        const deliveries = await this.consumer.fetch(500, 1000);
        if (deliveries.length > 0) await this.moveToStore(deliveries);
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error }, 'forwarding decisions to the event store failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async moveToStore(deliveries: Delivery[]): Promise<void> {
    const parsed = deliveries.map((delivery) => ({ delivery, event: this.parse(delivery.payload) }));
    // A message that is not a decision event can never be stored: drop it rather than let it block every batch.
    for (const { delivery, event } of parsed) if (!event) delivery.term();
    const events = parsed.flatMap(({ event }) => (event ? [event] : []));
    if (events.length > 0) await this.store.append({ events });
    for (const { delivery, event } of parsed) if (event) delivery.ack();
  }

  /** The journaled event, parsed against its contract; undefined for anything else. */
  private parse(payload: unknown): NewEvent | undefined {
    const parsed = NewEventSchema.safeParse(payload);
    if (parsed.success) return parsed.data;
    this.logger.warn('a message in the decision journal is not a decision event; dropped');
    return undefined;
  }
}
