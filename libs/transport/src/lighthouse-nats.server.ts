import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ServerNats, type NatsContext } from '@nestjs/microservices';
import type { Msg, NatsConnection } from 'nats';
import type { Logger, ServiceMetrics } from '@lighthouse/observability';
import { LighthouseError, natsInboxPrefix, toWireError } from '@lighthouse/contracts';
import { coalesceWrites } from './coalesced-writes';
import { natsServers } from './nats-servers';
import { FrameCodec, type RequestFrame } from './frame-codec';
import type { LeanRoute } from './lean-rpc-routes';
import { NatsMsgpackDeserializer } from './nats-msgpack.deserializer';
import { NatsMsgpackSerializer } from './nats-msgpack.serializer';
import { contextFromHeaders } from './trace-headers';

export interface LighthouseNatsServerOptions {
  servers: string | string[];
  /** Queue group: replicas of one service share each subject's messages. */
  queue: string;
  /** Connection name, shown by the NATS server's monitoring. */
  name: string;
  maxFrameBytes?: number;
  metrics?: ServiceMetrics;
  /** The service's NATS user and password (unset: a bus without users). */
  user?: string;
  pass?: string;
  /** The service's logger: an unexpected error in a handler on the lean path is logged here, as the WireErrorFilter does. */
  logger?: Logger;
}

const tracer = trace.getTracer('lighthouse-transport');

/**
 * Nest's NATS server with Lighthouse's wire rules: msgpack frames bounded in size, a frame that
 * cannot be decoded answered with a typed error instead of crashing the handler loop, trace
 * context taken from the message headers, and per-subject latency metrics.
 */
export class LighthouseNatsServer extends ServerNats {
  private readonly codec: FrameCodec;
  private readonly metrics?: ServiceMetrics;
  private readonly serviceLogger?: Logger;
  /** Subjects answered without Nest's per-message pipeline (see {@link useLeanRoutes}). */
  private leanRoutes = new Map<string, LeanRoute>();

  constructor(options: LighthouseNatsServerOptions) {
    const codec = new FrameCodec(options.maxFrameBytes);
    super({
      servers: natsServers(options.servers),
      queue: options.queue,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...(options.user ? { user: options.user, pass: options.pass, inboxPrefix: natsInboxPrefix(options.user) } : {}),
      serializer: new NatsMsgpackSerializer(codec),
      deserializer: new NatsMsgpackDeserializer(codec),
    });
    this.codec = codec;
    this.metrics = options.metrics;
    this.serviceLogger = options.logger;
  }

  /**
   * Handlers (from `findLeanRoutes`) whose requests go straight from the subscription to the
   * method: decode, call, encode, respond, with the replies, errors, metrics and span the Nest
   * path gives them. Set before `listen`; the subscriptions (queue groups) are Nest's as before.
   */
  useLeanRoutes(routes: ReadonlyMap<string, LeanRoute>): void {
    this.leanRoutes = new Map(routes);
  }

  override getMessageHandler(channel: string): (error: unknown, message: Msg) => unknown {
    const route = this.leanRoutes.get(channel);
    if (!route) return super.getMessageHandler(channel) as (error: unknown, message: Msg) => unknown;
    return (error: unknown, message: Msg) => {
      if (error) return this.logger.error(error);
      return this.handleLean(channel, message, route);
    };
  }

  /** The connection the subscriptions were made on (Nest keeps its own private). */
  private subscribedOn?: NatsConnection;

  override bindEvents(client: NatsConnection): void {
    super.bindEvents(client);
    // Replies of one turn (e.g. every validation a journal group's acknowledgement released) leave in one write.
    coalesceWrites(client);
    this.subscribedOn = client;
  }

  /**
   * Report started only once the server has our subscriptions. Nest calls back as soon as the
   * SUB lines are queued on the socket, so a request from another connection right after start
   * (a restart, a second replica, a test) could still meet "no responders". A flush is a
   * PING/PONG round trip: once it returns, the server has processed every SUB before it.
   */
  override start(callback: (err?: unknown, ...optionalParams: unknown[]) => void): void {
    super.start((err?: unknown, ...rest: unknown[]) => {
      if (err !== undefined || !this.subscribedOn) return callback(err, ...rest);
      this.subscribedOn.flush().then(
        () => callback(),
        (flushError: unknown) => callback(flushError),
      );
    });
  }

  /**
   * One request on a lean route, answered as Nest's pipeline with the WireErrorFilter answers it:
   * `{ response, isDisposed, id }` or `{ err: { code, message }, isDisposed, id }`, sent the moment
   * the handler's value (or promise) settles instead of from an rxjs stream and a nextTick.
   */
  private handleLean(channel: string, natsMsg: Msg, route: LeanRoute): void {
    const started = performance.now();
    let frame: RequestFrame;
    try {
      frame = this.codec.decodeRequest(natsMsg.data);
    } catch {
      // Undecodable: the Nest path's answer (a typed error, counted as a rejected frame).
      void this.handleMessage(channel, natsMsg);
      return;
    }
    // No id: an event on an rpc subject, which Nest's path handles (no reply).
    if (frame.id === undefined) return void this.handleMessage(channel, natsMsg);
    const id = frame.id;
    const parent = natsMsg.headers ? contextFromHeaders(natsMsg.headers) : context.active();
    const span = tracer.startSpan(channel, { kind: SpanKind.SERVER }, parent);
    const finish = (packet: Record<string, unknown>) => {
      this.respondLean(natsMsg, packet, id);
      span.end();
      this.metrics?.natsHandleSeconds.observe({ subject: channel, outcome: 'ok' }, (performance.now() - started) / 1000);
    };
    const fail = (error: unknown) => finish({ err: this.wireErrorOf(error), isDisposed: true, id });
    let result: unknown;
    try {
      result = context.with(trace.setSpan(parent, span), route, undefined, frame.data);
    } catch (error) {
      return fail(error);
    }
    if (isThenable(result)) result.then((value) => finish({ response: value, isDisposed: true, id }), fail);
    else finish({ response: result, isDisposed: true, id });
  }

  /** What the WireErrorFilter makes of a handler's error (logging the unexpected ones). */
  private wireErrorOf(error: unknown): unknown {
    if (!(error instanceof LighthouseError)) {
      if (this.serviceLogger) this.serviceLogger.error({ err: error }, 'unexpected error in handler');
      else this.logger.error(`unexpected error in handler: ${String(error)}`);
    }
    return toWireError(error);
  }

  /** Sends a lean route's reply; a reply the codec refuses becomes a typed error, as in {@link getPublisher}. */
  private respondLean(natsMsg: Msg, packet: Record<string, unknown>, id: string): void {
    if (!natsMsg.reply) return;
    try {
      natsMsg.respond(this.codec.encode(packet));
    } catch (error) {
      this.refusedReply(natsMsg, error, id);
    }
  }

  override async handleMessage(channel: string, natsMsg: Msg): Promise<void> {
    const started = performance.now();
    const parent = natsMsg.headers ? contextFromHeaders(natsMsg.headers) : context.active();
    const span = tracer.startSpan(channel, { kind: SpanKind.SERVER }, parent);
    let outcome = 'ok';
    try {
      await context.with(trace.setSpan(parent, span), () => super.handleMessage(channel, natsMsg));
    } catch (error) {
      outcome = 'rejected';
      const wire = toWireError(error);
      this.metrics?.rejectedFrames.inc({ reason: wire.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: wire.code });
      this.logger.warn(`rejected frame on ${channel}: ${wire.code} ${wire.message}`);
      this.replyError(natsMsg, wire);
    } finally {
      span.end();
      this.metrics?.natsHandleSeconds.observe({ subject: channel, outcome }, (performance.now() - started) / 1000);
    }
  }

  /**
   * Our patterns are plain subject strings: look them up directly. Nest's default first tries
   * JSON.parse on every incoming pattern, and the exception it throws for a plain string cost
   * about 4% of the event store's CPU under load.
   */
  override getHandlerByPattern(pattern: string): ReturnType<ServerNats['getHandlerByPattern']> {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  /**
   * Nest sends a reply from a `process.nextTick` callback, outside every handler's try/catch:
   * a reply the codec refuses (over the frame limit) would become an unhandled rejection and
   * end the process. Here it becomes a typed error to the caller instead.
   */
  override getPublisher(natsMsg: Msg, id: string, ctx: NatsContext): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx) as (response: unknown) => unknown;
    return (response: unknown) => {
      try {
        return publish(response);
      } catch (error) {
        this.refusedReply(natsMsg, error, id);
        return undefined;
      }
    };
  }

  private refusedReply(natsMsg: Msg, error: unknown, id: string): void {
    const wire = toWireError(error);
    this.metrics?.rejectedFrames.inc({ reason: `reply_${wire.code}` });
    this.logger.error(`reply on ${natsMsg.subject} refused: ${wire.code} ${wire.message}`);
    this.replyError(natsMsg, wire, id);
  }

  private replyError(natsMsg: Msg, err: unknown, id: string | null = null): void {
    if (!natsMsg.reply) return;
    try {
      natsMsg.respond(this.codec.encode({ id, err, status: 'error', isDisposed: true }));
    } catch (error) {
      this.logger.error(`could not send error reply: ${String(error)}`);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
