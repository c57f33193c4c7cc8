import { connect, createInbox, type Msg, type MsgHdrs, type NatsConnection, type NatsError, type Subscription } from 'nats';
import { LighthouseError, natsInboxPrefix, parseReply, toWireError, type EventDefinition, type RpcDefinition, type RpcReply, type RpcRequest } from '@lighthouse/contracts';
import { natsServers } from './nats-servers';
import { coalesceWrites } from './coalesced-writes';
import type { ServiceMetrics } from '@lighthouse/observability';
import type { z } from 'zod';
import { BusStreams } from './bus-streams';
import { DEFAULT_MAX_FRAME_BYTES, FrameCodec } from './frame-codec';
import { traceHeaders } from './trace-headers';

export interface RequestOptions<S extends z.ZodType = z.ZodType> {
  /** Deadline for the whole round trip; past it the call fails with DEADLINE_EXCEEDED. */
  timeoutMs?: number;
  /** When given, the reply is validated against it (a bad reply is an INTERNAL error). */
  schema?: S;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one subscriber of the group (replicas share the work). */
  queue?: string;
  /** Only what is published on `<event subject>.<suffix>` (a per-channel or per-agent subject under the declared one). */
  suffix?: string;
  /**
   * A cheaper test that replaces the event's schema: only for subjects the broker's permissions
   * reserve to a publisher that already validated what it sends (the committed events).
   */
  check?: (payload: unknown) => boolean;
}

export interface PublishOptions {
  /** Publish on `<event subject>.<suffix>` (a per-channel or per-agent subject under the declared one). */
  suffix?: string;
}

/** Options of a request made with an rpc definition (its reply schema is the definition's). */
export type RpcOptions = Omit<RequestOptions, 'schema'>;

/** The port services use to talk to each other; only this lib knows it is NATS underneath. */
export interface MessageBus {
  /** Sends the rpc's request; resolves with its reply, parsed (a bad reply is a ReplyContractError). */
  request<R extends RpcDefinition>(rpc: R, payload: RpcRequest<R>, options?: RpcOptions): Promise<RpcReply<R>>;
  /** @deprecated pass the rpc definition from the contract table instead of its subject. */
  request<T = unknown>(subject: string, payload: unknown, options?: RequestOptions): Promise<T>;
  /** Publishes an event on its declared subject, or a subject under it (fire and forget). */
  publish<E extends EventDefinition>(event: E, data: z.input<E['data']>, options?: PublishOptions): void;
  /** @deprecated pass the event definition from the contract table instead of its subject. */
  publish(subject: string, payload: unknown): void;
}

export interface NatsBusOptions {
  servers: string | string[];
  name: string;
  timeoutMs?: number;
  maxFrameBytes?: number;
  metrics?: ServiceMetrics;
  /** The service's NATS user (NATS_USER); its replies arrive under its own inbox prefix. Unset: no auth (a bus without users). */
  user?: string;
  /** The user's password (NATS_PASSWORD); required with `user`. */
  pass?: string;
}

/** Injection token for {@link MessageBus}. */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

/** Injection token for the service's logger (pino). */
export const LOGGER = Symbol('LOGGER');

/**
 * Request/reply and publish over NATS with msgpack frames, deadlines, trace headers and the
 * stable error mapping: a remote `{ code, message }` comes back as a {@link LighthouseError}.
 */
export class NatsBus implements MessageBus {
  private nextId = 0;
  /** Our own request/reply multiplexer (see {@link roundTrip}), opened on the first request. */
  private replies?: { inbox: string; subscription: Subscription };
  private readonly waiting = new Map<string, PendingReply>();
  private nextReply = 0;
  /** JetStream, as services use it: streams, durable publish, shared consumers, ordered follow, object store. */
  readonly streams: BusStreams;

  constructor(
    private readonly connection: NatsConnection,
    /** The bus's frame codec (its frame limit), for callers that encode their own frames. */
    readonly codec: FrameCodec = new FrameCodec(),
    private readonly defaultTimeoutMs = 5_000,
    private readonly metrics?: ServiceMetrics,
    /** Where replies come back: the service user's own inbox prefix (its NATS permissions allow only that). */
    private readonly inboxPrefix?: string,
  ) {
    this.streams = new BusStreams(connection, codec, (subject, data, headers, timeoutMs) => this.roundTrip(subject, data, timeoutMs, headers));
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    if (options.user && !options.pass) throw new Error('NATS_USER is set without NATS_PASSWORD');
    const auth = options.user ? { user: options.user, pass: options.pass, inboxPrefix: natsInboxPrefix(options.user) } : {};
    // noAsyncTraces: the client would otherwise capture a stack (new Error()) on every request, for timeouts' messages.
    // A server lost: try the others at once (the default waits 2 s per server), so a node kill costs appends little.
    const connection = await connect({ servers: natsServers(options.servers), name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true, ...auth });
    coalesceWrites(connection);
    const codec = new FrameCodec(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    return new NatsBus(connection, codec, options.timeoutMs, options.metrics, options.user ? natsInboxPrefix(options.user) : undefined);
  }

  request<R extends RpcDefinition>(rpc: R, payload: RpcRequest<R>, options?: RpcOptions): Promise<RpcReply<R>>;
  request<T = unknown>(subject: string, payload: unknown, options?: RequestOptions): Promise<T>;
  async request(target: string | RpcDefinition, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (typeof target !== 'string') {
      const reply = await this.send(target.subject, payload, options.timeoutMs);
      return parseReply(target, reply);
    }
    return parseLegacyReply(await this.send(target, payload, options.timeoutMs), options.schema, target);
  }

  /**
   * As {@link request}, with the request's data already msgpack-encoded (e.g. assembled from
   * parts by {@link FrameCodec.encodeArrayOf}): nothing in it is decoded or encoded again here.
   */
  async requestEncoded<R extends RpcDefinition>(rpc: R, data: Uint8Array, options: RpcOptions = {}): Promise<RpcReply<R>> {
    const reply = await this.send(rpc.subject, undefined, options.timeoutMs, data);
    return parseReply(rpc, reply);
  }

  /** One round trip: the decoded reply payload, or the remote error as a LighthouseError. */
  private async send(subject: string, payload: unknown, timeoutMs: number | undefined, encodedData?: Uint8Array): Promise<unknown> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      const id = String(++this.nextId);
      const frame = encodedData
        ? this.codec.encodeMapOf([['pattern', this.codec.encodeValue(subject)], ['data', encodedData], ['id', this.codec.encodeValue(id)]])
        : this.codec.encode({ pattern: subject, data: payload, id });
      const timeout = timeoutMs ?? this.defaultTimeoutMs;
      const reply = await this.roundTrip(subject, frame, timeout);
      const decoded = this.codec.decodeReply(reply.data);
      if (decoded.err !== undefined && decoded.err !== null) throw LighthouseError.fromWire(toWireError(decoded.err));
      return decoded.response;
    } catch (error) {
      outcome = error instanceof LighthouseError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      this.metrics?.natsRequestSeconds.observe({ subject, outcome }, (performance.now() - started) / 1000);
    }
  }

  /**
   * One request and its reply, over one wildcard subscription on this bus's own inbox. The NATS
   * client's request() does the same, but settles every answered request by also rejecting it
   * with a new NatsError (a stack captured per request, for nothing): a few per cent of a busy
   * service's CPU. No responders (the server's 503 status) and the deadline map as before.
   */
  private roundTrip(subject: string, frame: Uint8Array, timeoutMs: number, headers: MsgHdrs | undefined = traceHeaders()): Promise<Msg> {
    const replies = this.openReplies();
    const token = String(++this.nextReply);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new LighthouseError('DEADLINE_EXCEEDED', `no reply on ${subject} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(token, { subject, resolve, reject, timer });
      try {
        this.connection.publish(subject, frame, { reply: `${replies.inbox}.${token}`, headers });
      } catch (error) {
        this.settle(token)?.reject(mapNatsError(error as NatsError, subject, timeoutMs));
      }
    });
  }

  private openReplies(): { inbox: string; subscription: Subscription } {
    if (this.replies) return this.replies;
    const inbox = createInbox(this.inboxPrefix);
    const subscription = this.connection.subscribe(`${inbox}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const pending = this.settle(msg.subject.slice(inbox.length + 1));
        if (!pending) return; // late (past its deadline) or not ours
        if (msg.headers?.hasError && msg.headers.code === 503) pending.reject(new LighthouseError('SERVICE_UNAVAILABLE', `no service is listening on ${pending.subject}`));
        else pending.resolve(msg);
      },
    });
    this.replies = { inbox, subscription };
    return this.replies;
  }

  private settle(token: string): PendingReply | undefined {
    const pending = this.waiting.get(token);
    if (!pending) return undefined;
    this.waiting.delete(token);
    clearTimeout(pending.timer);
    return pending;
  }

  publish<E extends EventDefinition>(event: E, data: z.input<E['data']>, options?: PublishOptions): void;
  publish(subject: string, payload: unknown): void;
  publish(target: string | EventDefinition, payload: unknown, options?: PublishOptions): void {
    const subject = typeof target === 'string' ? target : withSuffix(subjectOf(target), options?.suffix);
    this.connection.publish(subject, this.codec.encode({ pattern: subject, data: payload }), { headers: traceHeaders() });
  }

  /**
   * As {@link publish} on `subject` (an event's subject, or one under it such as
   * `perAgentSubject`), with the data already msgpack-encoded by `codec.encodeValue`: one payload
   * published to many subjects (a notice to each agent it concerns) is encoded once.
   */
  publishEncoded(subject: string, data: Uint8Array): void {
    this.connection.publish(subject, this.codec.encodeMapOf([['pattern', this.codec.encodeValue(subject)], ['data', data]]), { headers: traceHeaders() });
  }

  /**
   * Delivers the payload of every message published on `subject` (by {@link publish}) that
   * decodes and, when a schema is given, matches it; anything else is dropped, never thrown.
   */
  subscribe<E extends EventDefinition>(event: E, onMessage: (payload: z.output<E['data']>) => void, options?: SubscribeOptions): { unsubscribe(): void };
  subscribe<S extends z.ZodType>(subject: string, schema: S, onMessage: (payload: z.infer<S>) => void): { unsubscribe(): void };
  subscribe(target: string | EventDefinition, ...rest: unknown[]): { unsubscribe(): void } {
    const [schema, onMessage, options] = (typeof target === 'string' ? rest : [target.data, ...rest]) as [z.ZodType, (payload: unknown) => void, SubscribeOptions?];
    const subject = typeof target === 'string' ? target : withSuffix(subjectOf(target), options?.suffix);
    const check = options?.check;
    const subscription = this.connection.subscribe(subject, {
      ...(options?.queue ? { queue: options.queue } : {}),
      callback: (error, msg) => {
        if (error) return;
        try {
          const payload = this.codec.decodeRequest(msg.data).data;
          if (check) {
            if (check(payload)) onMessage(payload);
            return;
          }
          const parsed = schema.safeParse(payload);
          if (parsed.success) onMessage(parsed.data);
        } catch {
          // A frame that does not decode is not ours to act on.
        }
      },
    });
    return { unsubscribe: () => subscription.unsubscribe() };
  }

  /** Calls `onReconnect` each time the connection comes back after a loss, until the bus closes. */
  onReconnect(onReconnect: () => void): void {
    void (async () => {
      for await (const status of this.connection.status()) if (status.type === 'reconnect') onReconnect();
    })();
  }

  /** Resolves once the server has every message published so far (a round trip to it). */
  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    await this.connection.drain();
    for (const token of [...this.waiting.keys()]) this.settle(token)?.reject(new LighthouseError('SERVICE_UNAVAILABLE', 'the bus closed before the reply came'));
  }
}

/** A request on its way: how to settle it, and its deadline's timer. */
interface PendingReply {
  subject: string;
  resolve(msg: Msg): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

function subjectOf(event: EventDefinition): string {
  if (!event.subject) throw new LighthouseError('INTERNAL', `event ${event.type} is not published on a subject of its own`);
  return event.subject;
}

function withSuffix(subject: string, suffix: string | undefined): string {
  if (suffix === undefined) return subject;
  if (!/^[A-Za-z0-9_@:-]+$|^>$/.test(suffix)) throw new LighthouseError('INTERNAL', `subject suffix ${JSON.stringify(suffix)} is not one token`);
  return `${subject}.${suffix}`;
}

function parseLegacyReply(response: unknown, schema: z.ZodType | undefined, subject: string): unknown {
  return schema ? parseReply({ kind: 'rpc', subject, request: schema, reply: schema }, response) : response;
}

/** NATS client failures mapped onto the stable codes. */
export function mapNatsError(error: NatsError, subject: string, timeoutMs: number): LighthouseError {
  switch (error.code) {
    case 'TIMEOUT':
      return new LighthouseError('DEADLINE_EXCEEDED', `no reply on ${subject} within ${timeoutMs} ms`, { cause: error });
    case '503':
      return new LighthouseError('SERVICE_UNAVAILABLE', `no service is listening on ${subject}`, { cause: error });
    case 'MAX_PAYLOAD_EXCEEDED':
      return new LighthouseError('PAYLOAD_TOO_LARGE', `request on ${subject} exceeds the broker's max payload`, { cause: error });
    default:
      return new LighthouseError('SERVICE_UNAVAILABLE', `request on ${subject} failed: ${error.message}`, { cause: error });
  }
}
