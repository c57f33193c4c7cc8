import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ServerNats, type NatsContext } from '@nestjs/microservices';
import type { Msg, NatsConnection } from 'nats';
import type { ServiceMetrics } from '@lighthouse/observability';
import { natsInboxPrefix, toWireError } from '@lighthouse/contracts';
import { coalesceWrites } from './coalesced-writes';
import { natsServers } from './nats-servers';
import { FrameCodec } from './frame-codec';
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
        const wire = toWireError(error);
        this.metrics?.rejectedFrames.inc({ reason: `reply_${wire.code}` });
        this.logger.error(`reply on ${natsMsg.subject} refused: ${wire.code} ${wire.message}`);
        this.replyError(natsMsg, wire, id);
        return undefined;
      }
    };
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
