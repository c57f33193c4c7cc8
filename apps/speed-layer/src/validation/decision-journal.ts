import { JETSTREAM_STREAMS, NewEventSchema, SUBJECTS, type NewEvent } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { FrameCodec, type EventStoreClient } from '@lighthouse/transport';
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, type Consumer, type JetStreamClient, type NatsConnection } from 'nats';

export const DECISION_STREAM = JETSTREAM_STREAMS.decisions;
const FORWARDER = 'event-store-forwarder';
/** Every decision event goes to this event-store stream. */
export const DECISIONS_EVENT_STREAM = 'decisions';

/**
 * Decisions are journaled before they are answered: published to a JetStream stream (the
 * server acknowledges, so a speed-layer that dies right after answering loses nothing), then
 * moved in batches into the event store by a durable consumer shared by every replica. The
 * event id is the decision id, so a batch delivered twice is stored once.
 */
export class DecisionJournal {
  private readonly codec = new FrameCodec();
  private running = false;
  private loop?: Promise<void>;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly consumer: Consumer,
    private readonly store: EventStoreClient,
    private readonly logger: Logger,
  ) {}

  static async open(connection: NatsConnection, store: EventStoreClient, logger: Logger): Promise<DecisionJournal> {
    const jsm = await connection.jetstreamManager();
    const config = { name: DECISION_STREAM, subjects: [SUBJECTS.speed.decided], retention: RetentionPolicy.Workqueue, storage: StorageType.File };
    await jsm.streams.add(config).catch(() => jsm.streams.update(DECISION_STREAM, config));
    await jsm.consumers
      .add(DECISION_STREAM, { durable_name: FORWARDER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 30e9, max_ack_pending: 20_000 })
      .catch(() => undefined);
    const js = connection.jetstream();
    return new DecisionJournal(js, await js.consumers.get(DECISION_STREAM, FORWARDER), store, logger);
  }

  /** Resolves once the JetStream server holds the event. */
  async record(event: NewEvent): Promise<void> {
    await this.js.publish(SUBJECTS.speed.decided, this.codec.encode(event), { msgID: event.id });
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
        const batch = await this.consumer.fetch({ max_messages: 500, expires: 1000 });
        const messages = [];
        for await (const msg of batch) messages.push(msg);
        if (messages.length === 0) continue;
        const parsed = messages.map((message) => ({ message, event: this.parse(message.data) }));
        // A message that is not a decision event can never be stored: drop it rather than let it block every batch.
        for (const { message, event } of parsed) if (!event) message.term();
        const events = parsed.flatMap(({ event }) => (event ? [event] : []));
        if (events.length > 0) await this.store.append({ events });
        for (const { message, event } of parsed) if (event) message.ack();
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error }, 'forwarding decisions to the event store failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** The journaled event, parsed against its contract; undefined for anything else. */
  private parse(data: Uint8Array): NewEvent | undefined {
    try {
      const parsed = NewEventSchema.safeParse(this.codec.decode(data));
      if (parsed.success) return parsed.data;
    } catch {
      // Not a frame: reported below like any other stranger.
    }
    this.logger.warn('a message in the decision journal is not a decision event; dropped');
    return undefined;
  }
}
