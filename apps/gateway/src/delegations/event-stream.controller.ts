import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { agentNoticesFilter, BUS_EVENTS, JETSTREAM_STREAMS, LighthouseError } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, NatsBus, type OrderedFeed } from '@lighthouse/transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';
import { StreamLeases } from '../streams/stream-leases';
import type { StreamLease } from '../streams/stream-lease';

const KEEPALIVE_MS = 15_000;
const GONE = 'the client went away';
const CONSUMER_INACTIVE_MS = 30_000;

/**
 * `GET /events/stream`: server-sent events of the caller's own delegations (as requester or
 * assignee) and messages (received, or acknowledged by a recipient), read from the JetStream
 * notice stream filtered to the caller's subjects. Each event's
 * id is its stream sequence, so a client that reconnects with `Last-Event-ID` misses nothing.
 * The stream lives under a lease: it ends (with a last `event: end`) when the agent is revoked,
 * its session ends or its token expires, and its consumer and timer go with it whenever the
 * client leaves, even while the stream is still being set up.
 */
@Controller('events')
export class EventStreamController {
  constructor(
    @Inject(NatsBus) private readonly bus: NatsBus,
    @Inject(StreamLeases) private readonly leases: StreamLeases,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('stream')
  async stream(@Caller() caller: AgentIdentity, @Headers('last-event-id') lastEventId: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const lease = this.leases.acquire(caller);
    // Before any await: a client that leaves during set-up still ends the lease.
    reply.raw.once('close', () => lease.end(GONE));
    request.raw.once('error', () => lease.end(GONE));
    if (reply.raw.destroyed || request.raw.destroyed) lease.end(GONE);
    try {
      const messages = await this.subscribe(caller, lastEventId, lease);
      if (lease.isEnded || !messages) {
        if (lease.endReason === GONE) return;
        throw new LighthouseError('UNAUTHENTICATED', lease.endReason ?? 'the stream was ended');
      }
      this.open(reply, lease);
      for await (const { seq, payload } of messages) {
        const line = sseEventOf(payload);
        if (line) reply.raw.write(`id: ${seq}\nevent: ${line.event}\ndata: ${line.data}\n\n`);
      }
    } catch (error) {
      if (!reply.raw.headersSent) {
        lease.end('could not open the stream');
        throw error;
      }
      this.logger.warn({ err: error }, 'event stream ended');
    } finally {
      this.close(reply, lease);
    }
  }

  /**
   * The caller's notices from an ordered consumer, deleted on the server when the lease ends
   * (closing the iterator alone would leave it there for its inactivity threshold). Undefined
   * when the lease ended before the consumer existed.
   */
  private async subscribe(caller: AgentIdentity, lastEventId: string | undefined, lease: StreamLease): Promise<OrderedFeed | undefined> {
    const after = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const follow = await this.bus.streams
      .follow(JETSTREAM_STREAMS.delegationNotices, agentNoticesFilter(caller.claims.sub), {
        afterSeq: after,
        // Should a delete ever fail (NATS away at that moment), the server drops it by itself.
        inactiveThresholdMs: CONSUMER_INACTIVE_MS,
      })
      .catch((error: unknown) => {
        throw new LighthouseError('SERVICE_UNAVAILABLE', 'the delegation notice stream is not available yet', { cause: error });
      });
    if (lease.isEnded) return undefined; // nothing exists on the server until consume()
    const messages = await follow.consume();
    lease.onEnd(() => {
      void messages.close().catch((error: unknown) => this.logger.debug({ err: error }, 'could not delete an event stream consumer; it expires by itself'));
    });
    return messages;
  }

  private open(reply: FastifyReply, lease: StreamLease): void {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    reply.raw.write(': connected\n\n');
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    lease.onEnd(() => clearInterval(keepalive));
  }

  /** Ends the lease and the response; a stream cut by a revocation or expiry says why, last. */
  private close(reply: FastifyReply, lease: StreamLease): void {
    const why = lease.endReason;
    lease.end('the stream ended');
    if (!reply.raw.headersSent || reply.raw.destroyed) return;
    if (why && why !== GONE) reply.raw.write(`event: end\ndata: ${JSON.stringify({ code: 'UNAUTHENTICATED', message: why })}\n\n`);
    reply.raw.end();
  }
}

/** A notice as an SSE event: `delegation` or `message`, or nothing for what matches neither contract. */
function sseEventOf(payload: unknown): { event: string; data: string } | undefined {
  const delegation = BUS_EVENTS.delegationChanged.data.safeParse(payload);
  if (delegation.success) return { event: 'delegation', data: JSON.stringify(delegation.data) };
  const message = BUS_EVENTS.messageNoticed.data.safeParse(payload);
  return message.success ? { event: 'message', data: JSON.stringify(message.data) } : undefined;
}
