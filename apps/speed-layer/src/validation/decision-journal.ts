import { JETSTREAM_STREAMS, LighthouseError, NewEventSchema, RPC, SUBJECTS, decisionGroupSubject, type NewEvent } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { Delivery, DurableConsumer, EventStoreClient, FrameCodec, NatsBus } from '@lighthouse/transport';
import { GroupCommit } from './group-commit';

/** The stream older speed layers journaled one decision per message into: still drained, no longer written. */
export const DECISION_STREAM = JETSTREAM_STREAMS.decisions;
/** The stream decisions are journaled into, a group per message. */
export const DECISION_GROUP_STREAM = JETSTREAM_STREAMS.decisionGroups;
const FORWARDER = 'event-store-forwarder';
/** Every decision event goes to this event-store stream. */
export const DECISIONS_EVENT_STREAM = 'decisions';
/** One append to the store: the contract's limit of events, and a byte budget well under a frame. */
const APPEND_MAX_EVENTS = 1000;
const APPEND_MAX_BYTES = 512 * 1024;
/**
 * Groups the forwarder takes at once. A fetch ends when it has this many or after a second (the
 * client's shortest wait): with 500, at a few hundred decisions per second every decision of the
 * last second reached the store in one append, a burst of work in the store (each event checked,
 * signed, written) and in its followers once a second, which validations sharing the two cores
 * waited behind. With fewer, the same work comes in smaller appends as soon as that many groups
 * are there (at most once a second when they are few).
 */
const FORWARD_GROUPS_AT_ONCE = 64;

export interface DecisionJournalOptions {
  /** Bytes of one group at most (under the bus frame limit, and under the append budget). */
  groupMaxBytes?: number;
  /** Groups published and not yet acknowledged at most. */
  groupsInFlight?: number;
}

/**
 * Decisions are journaled before they are answered, in groups: every decision made while the
 * previous group was on its way goes into the next one, which is one JetStream publish. An answer
 * waits for the server's acknowledgement of its group, i.e. for the stream (file storage) to hold
 * it: a speed layer that dies right after answering loses nothing, and a group that is not
 * acknowledged (timeout, stream unavailable) fails every validation in it, so nothing is answered
 * unjournaled. JetStream acknowledges once the server has stored the message, before the file is
 * fsynced (its default sync interval): the same promise the journal gave with one message per
 * decision, at one round trip per group instead of per decision. A durable consumer shared by every
 * replica moves the groups into the event store, which appends them after fsync; the event id is
 * the decision id, so a group delivered twice is stored once.
 */
export class DecisionJournal {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly groups: GroupCommit;

  private readonly codec: FrameCodec;

  private constructor(
    private readonly bus: NatsBus,
    private readonly consumers: Array<{ consumer: DurableConsumer; groups: boolean }>,
    private readonly store: EventStoreClient,
    private readonly logger: Logger,
    options: DecisionJournalOptions,
  ) {
    this.codec = bus.codec;
    const maxBytes = Math.min(options.groupMaxBytes ?? 256 * 1024, this.codec.maxFrameBytes - 16, APPEND_MAX_BYTES);
    this.groups = new GroupCommit((parts) => this.publishGroup(parts), { maxEntries: APPEND_MAX_EVENTS, maxBytes, maxInFlight: options.groupsInFlight ?? 2 });
  }

  static async open(bus: NatsBus, store: EventStoreClient, logger: Logger, options: DecisionJournalOptions = {}): Promise<DecisionJournal> {
    const { streams } = bus;
    await streams.ensure({ name: DECISION_STREAM, subjects: [SUBJECTS.speed.decided], retention: 'workqueue' });
    await streams.ensure({ name: DECISION_GROUP_STREAM, subjects: [decisionGroupSubject()], retention: 'workqueue' });
    const durable = (stream: string) => streams.durable({ stream, name: FORWARDER, ackWaitMs: 30_000, maxAckPending: 20_000 });
    const consumers = [
      { consumer: await durable(DECISION_GROUP_STREAM), groups: true },
      { consumer: await durable(DECISION_STREAM), groups: false },
    ];
    return new DecisionJournal(bus, consumers, store, logger, options);
  }

  /** Resolves once the JetStream server holds the group the event went into. */
  record(event: NewEvent): Promise<void> {
    let entry: Uint8Array;
    try {
      entry = this.codec.encodeValue(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.groups.add(entry);
  }

  /** Starts moving journaled decisions into the event store. */
  start(): void {
    this.running = true;
    this.loops = this.consumers.map(({ consumer, groups }) => this.forward(consumer, groups));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /**
   * One publish per group, never retried (a group that is not acknowledged fails its validations),
   * so it carries no Nats-Msg-Id: the id would only cost the server an entry in its duplicate
   * window per group. A group redelivered to the forwarder is stored once by its events' ids.
   */
  private async publishGroup(parts: readonly Uint8Array[]): Promise<void> {
    await this.bus.streams.publishEncoded(decisionGroupSubject(), this.codec.encodeArrayOf(parts), { stream: DECISION_GROUP_STREAM });
  }

  private async forward(consumer: DurableConsumer, groups: boolean): Promise<void> {
    while (this.running) {
      try {
        const deliveries = await consumer.fetch(groups ? FORWARD_GROUPS_AT_ONCE : 500, 1000);
        for (const chunk of appendChunks(deliveries, (delivery) => this.countOf(delivery, groups))) {
          await (groups ? this.moveGroupsToStore(chunk) : this.moveToStore(chunk));
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error }, 'forwarding decisions to the event store failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Events in a message: a group's from its array header (not decoded), otherwise by decoding it. */
  private countOf(delivery: Delivery, groups: boolean): number {
    return (groups ? this.codec.arrayElements(delivery.data)?.count : undefined) ?? eventsOf(delivery.payload)?.length ?? 0;
  }

  /**
   * Appends the events of some groups as they were encoded (the group's array elements moved into
   * one array, nothing decoded or encoded again), then acknowledges them; when the store refuses
   * the append, or a message is not an array, the events are checked one by one.
   */
  private async moveGroupsToStore(deliveries: Delivery[]): Promise<void> {
    const groups = deliveries.map((delivery) => this.codec.arrayElements(delivery.data));
    const count = groups.reduce((sum, group) => sum + (group?.count ?? 0), 0);
    if (groups.some((group) => group === undefined)) return this.moveCheckedToStore(deliveries);
    try {
      if (count > 0) {
        const events = this.codec.encodeArrayFrom(count, groups.map((group) => (group as { elements: Uint8Array }).elements));
        await this.bus.requestEncoded(RPC.events.append, this.codec.encodeMapOf([['events', events]]), { timeoutMs: 10_000 });
      }
    } catch (error) {
      if (!(error instanceof LighthouseError && error.code === 'VALIDATION_FAILED')) throw error;
      return this.moveCheckedToStore(deliveries);
    }
    for (const delivery of deliveries) delivery.ack();
  }

  /**
   * Appends the events of some messages, then acknowledges them. The store checks every event
   * against the contract; only when it refuses the append are they checked here one by one, so
   * a message that is not a decision event can never block every later one.
   */
  private async moveToStore(deliveries: Delivery[]): Promise<void> {
    const events = deliveries.flatMap((delivery) => eventsOf(delivery.payload) ?? []);
    try {
      if (events.length > 0) await this.store.append({ events: events as NewEvent[] });
    } catch (error) {
      if (!(error instanceof LighthouseError && error.code === 'VALIDATION_FAILED')) throw error;
      await this.moveCheckedToStore(deliveries);
      return;
    }
    for (const delivery of deliveries) {
      if (eventsOf(delivery.payload)) delivery.ack();
      else this.drop(delivery);
    }
  }

  private async moveCheckedToStore(deliveries: Delivery[]): Promise<void> {
    const valid: NewEvent[] = [];
    for (const delivery of deliveries) {
      for (const candidate of eventsOf(delivery.payload) ?? []) {
        const parsed = NewEventSchema.safeParse(candidate);
        if (parsed.success) valid.push(parsed.data);
        else this.logger.warn('an entry in the decision journal is not a decision event; dropped');
      }
    }
    for (let from = 0; from < valid.length; from += APPEND_MAX_EVENTS) await this.store.append({ events: valid.slice(from, from + APPEND_MAX_EVENTS) });
    for (const delivery of deliveries) {
      if (eventsOf(delivery.payload)) delivery.ack();
      else this.drop(delivery);
    }
  }

  private drop(delivery: Delivery): void {
    this.logger.warn('a message in the decision journal is neither a decision event nor a group of them; dropped');
    delivery.term();
  }
}

/** The events a journal message carries: a group (array) or one event (object); undefined for anything else. */
function eventsOf(payload: unknown): unknown[] | undefined {
  if (Array.isArray(payload)) return payload;
  if (payload !== null && typeof payload === 'object') return [payload];
  return undefined;
}

/** Consecutive messages cut into appends within the store's limits (a group alone always fits). */
function appendChunks(deliveries: Delivery[], countOf: (delivery: Delivery) => number): Delivery[][] {
  const chunks: Delivery[][] = [];
  let chunk: Delivery[] = [];
  let events = 0;
  let bytes = 0;
  for (const delivery of deliveries) {
    const count = countOf(delivery);
    if (chunk.length > 0 && (events + count > APPEND_MAX_EVENTS || bytes + delivery.bytes > APPEND_MAX_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      events = 0;
      bytes = 0;
    }
    chunk.push(delivery);
    events += count;
    bytes += delivery.bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
