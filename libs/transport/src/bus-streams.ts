import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type ConsumerMessages,
  headers as natsHeaders,
  type JetStreamClient,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type ObjectStore,
} from 'nats';
import { LighthouseError } from '@lighthouse/contracts';
import type { FrameCodec } from './frame-codec';

/** A JetStream stream as a service declares it (file storage, always). */
export interface StreamSpec {
  name: string;
  subjects: string[];
  /** `limits`: kept until `maxAgeMs`; `workqueue`: each message until one consumer acknowledges it. */
  retention: 'limits' | 'workqueue';
  maxAgeMs?: number;
}

/** A durable consumer shared by every replica (each message goes to one of them). */
export interface DurableSpec {
  stream: string;
  name: string;
  /** Redelivered when not acknowledged within this long. */
  ackWaitMs: number;
  maxAckPending: number;
}

/** One message of a durable consumer: its decoded payload, and how to settle it. */
export interface Delivery {
  payload: unknown;
  /** The message's size as stored. */
  bytes: number;
  /** The message as stored (a bus frame, or bytes published with {@link BusStreams.publishEncoded}). */
  data: Uint8Array;
  ack(): void;
  /** Never deliver again (a message that can never be handled). */
  term(): void;
}

/** One message of an ordered follow: its stream sequence and decoded payload. */
export interface FollowedMessage {
  seq: number;
  payload: unknown;
}

/** An ordered feed of one subject of a stream; iterate it, close it when done (that deletes its consumer). */
export interface OrderedFeed extends AsyncIterable<FollowedMessage> {
  close(): Promise<void>;
}

/** The object store bucket type, so apps need not import it from the NATS client. */
export type BlobBucket = ObjectStore;

/**
 * What services take from JetStream, behind the bus: ensure a stream, publish durably, consume
 * as a shared durable consumer, follow a subject in order, open an object store bucket. Payloads
 * travel as the bus's msgpack frames (`{ pattern, data }`); apps never see the NATS client.
 */
export class BusStreams {
  private client?: JetStreamClient;

  constructor(
    private readonly connection: NatsConnection,
    private readonly codec: FrameCodec,
    /** The bus's own request/reply (see NatsBus): a publish acknowledged without the client's per-request error object. */
    private readonly request?: (subject: string, data: Uint8Array, headers: MsgHdrs, timeoutMs: number) => Promise<Msg>,
  ) {}

  private get js(): JetStreamClient {
    this.client ??= this.connection.jetstream();
    return this.client;
  }

  /** Creates the stream, or brings an existing one to this spec. */
  async ensure(spec: StreamSpec): Promise<void> {
    const jsm = await this.connection.jetstreamManager();
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
      storage: StorageType.File,
      ...(spec.maxAgeMs === undefined ? {} : { max_age: spec.maxAgeMs * 1e6 }),
    };
    await jsm.streams.add(config).catch(() => jsm.streams.update(spec.name, config));
  }

  /**
   * Resolves once the JetStream server holds the message. With `msgId`, a repeat within the
   * stream's duplicate window is stored once.
   */
  async publish(subject: string, payload: unknown, options: { msgId?: string } = {}): Promise<{ seq: number }> {
    const ack = await this.js.publish(subject, this.encode(subject, payload), options.msgId ? { msgID: options.msgId } : undefined);
    return { seq: ack.seq };
  }

  /**
   * Publishes bytes already encoded (e.g. {@link FrameCodec.encodeArrayOf}) as they are; resolves
   * once the JetStream server holds them, as {@link publish} does.
   */
  async publishEncoded(subject: string, bytes: Uint8Array, options: { msgId?: string; stream: string }): Promise<{ seq: number }> {
    if (!this.request) {
      const ack = await this.js.publish(subject, bytes, { expect: { streamName: options.stream }, ...(options.msgId ? { msgID: options.msgId } : {}) });
      return { seq: ack.seq };
    }
    const hdrs = natsHeaders();
    if (options.msgId) hdrs.set('Nats-Msg-Id', options.msgId);
    // The stream checks it holds the subject too (a message meant for another stream is refused).
    hdrs.set('Nats-Expected-Stream', options.stream);
    const reply = await this.request(subject, bytes, hdrs, PUBLISH_TIMEOUT_MS);
    return pubAckOf(subject, options.stream, reply.data);
  }

  /** Creates the durable consumer when missing; answers a fetcher of its messages in batches. */
  async durable(spec: DurableSpec): Promise<DurableConsumer> {
    const jsm = await this.connection.jetstreamManager();
    await jsm.consumers
      .add(spec.stream, { durable_name: spec.name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: spec.ackWaitMs * 1e6, max_ack_pending: spec.maxAckPending })
      .catch(() => undefined);
    return new DurableConsumer(await this.js.consumers.get(spec.stream, spec.name), this);
  }

  /**
   * Follows one subject of a stream in order with an ephemeral ordered consumer: from the next
   * message on, or from just after stream sequence `afterSeq` (resuming a client's feed). Nothing
   * exists on the server until `consume()`; closing the feed deletes the consumer there.
   */
  async follow(stream: string, subject: string, options: { afterSeq?: number; inactiveThresholdMs?: number } = {}): Promise<{ consume(): Promise<OrderedFeed> }> {
    const consumer = await this.js.consumers.get(stream, {
      // One subject as a string: a list needs NATS 2.10's filter_subjects, a string works on 2.9 too.
      filterSubjects: subject,
      ...(options.afterSeq === undefined ? { deliver_policy: DeliverPolicy.New } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.afterSeq + 1 }),
      ...(options.inactiveThresholdMs === undefined ? {} : { inactive_threshold: options.inactiveThresholdMs }),
    });
    return { consume: async () => orderedFeed(await consumer.consume(), () => consumer.delete(), this) };
  }

  /** Opens (creating when missing) an object store bucket on file storage. */
  objectStore(bucket: string, options: { timeoutMs: number; description: string }): Promise<BlobBucket> {
    return this.connection.jetstream({ timeout: options.timeoutMs }).views.os(bucket, { storage: StorageType.File, description: options.description });
  }

  private encode(subject: string, payload: unknown): Uint8Array {
    return this.codec.encode({ pattern: subject, data: payload });
  }

  /** The payload of a stored message: a bus frame's data (a bare value is taken as it is). */
  decode(bytes: Uint8Array): unknown {
    const value = this.codec.decode(bytes);
    const isFrame = value !== null && typeof value === 'object' && 'pattern' in value && 'data' in value;
    return isFrame ? (value as { data: unknown }).data : value;
  }
}

/** How long a publish waits for the stream's acknowledgement (the JetStream client's default). */
const PUBLISH_TIMEOUT_MS = 5_000;

/** The stream's acknowledgement of a publish (JSON: `{ stream, seq, duplicate? }` or `{ error }`), or why there is none. */
function pubAckOf(subject: string, stream: string, data: Uint8Array): { seq: number } {
  let ack: { stream?: unknown; seq?: unknown; error?: { description?: unknown } } | undefined;
  try {
    ack = JSON.parse(new TextDecoder().decode(data)) as typeof ack;
  } catch {
    ack = undefined;
  }
  if (ack?.error) throw new LighthouseError('SERVICE_UNAVAILABLE', `JetStream refused the message on ${subject}: ${String(ack.error.description ?? 'no reason given')}`);
  if (typeof ack?.seq !== 'number') throw new LighthouseError('SERVICE_UNAVAILABLE', `JetStream did not acknowledge the message on ${subject}`);
  // The reply to a core request can come from any subscriber of the subject: only the expected
  // stream's acknowledgement says the message is stored.
  if (ack.stream !== stream) throw new LighthouseError('SERVICE_UNAVAILABLE', `the acknowledgement of ${subject} is not from stream ${stream}`);
  return { seq: ack.seq };
}

/** Batches of a durable consumer. */
export class DurableConsumer {
  constructor(
    private readonly consumer: Consumer,
    private readonly streams: BusStreams,
  ) {}

  /** Up to `max` messages, waiting at most `expiresMs` for the first; a message that does not decode comes with payload undefined. */
  async fetch(max: number, expiresMs: number): Promise<Delivery[]> {
    const batch = await this.consumer.fetch({ max_messages: max, expires: expiresMs });
    const deliveries: Delivery[] = [];
    for await (const msg of batch) {
      const decode = (bytes: Uint8Array) => this.safeDecode(bytes);
      let decoded: { payload: unknown } | undefined;
      deliveries.push({
        // Decoded when first asked for: a caller that moves the bytes on as they are never pays for it.
        get payload() {
          decoded ??= { payload: decode(msg.data) };
          return decoded.payload;
        },
        data: msg.data,
        bytes: msg.data.length,
        ack: () => msg.ack(),
        term: () => msg.term(),
      });
    }
    return deliveries;
  }

  private safeDecode(bytes: Uint8Array): unknown {
    try {
      return this.streams.decode(bytes);
    } catch {
      return undefined;
    }
  }
}

function orderedFeed(messages: ConsumerMessages, remove: () => Promise<unknown>, streams: BusStreams): OrderedFeed {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const msg of messages) {
        let payload: unknown;
        try {
          payload = streams.decode(msg.data);
        } catch {
          continue;
        }
        yield { seq: msg.seq, payload };
      }
    },
    close: async () => {
      await messages.close();
      await remove();
    },
  };
}
