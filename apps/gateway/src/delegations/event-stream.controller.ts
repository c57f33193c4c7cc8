import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { BUS_EVENTS, JETSTREAM_STREAMS, LighthouseError, perAgentSubject } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, NatsBus, type OrderedFeed } from '@lighthouse/transport';
import { formatNoticeCursor, mergeFeeds, NOTICE_KINDS, parseNoticeCursor, type NoticeCursor, type NoticeKind } from './notice-feeds';
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
      const cursor = parseNoticeCursor(lastEventId);
      for await (const { kind, seq, payload } of messages) {
        cursor[kind] = seq;
        const line = sseEventOf(kind, payload);
        if (line) reply.raw.write(`id: ${formatNoticeCursor(cursor)}\nevent: ${kind}\ndata: ${line}\n\n`);
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
   * The caller's notices, one ordered consumer per kind (delegations, messages) merged, each
   * deleted on the server when the lease ends (closing the iterator alone would leave it there for
   * its inactivity threshold). Undefined when the lease ended before the consumers existed.
   */
  private async subscribe(caller: AgentIdentity, lastEventId: string | undefined, lease: StreamLease) {
    const after = parseNoticeCursor(lastEventId);
    const follows = await Promise.all(NOTICE_KINDS.map((kind) => this.follow(kind, caller.claims.sub, after)));
    if (lease.isEnded) return undefined; // nothing exists on the server until consume()
    const [delegation, message] = (await Promise.all(follows.map((follow) => follow.consume()))) as [OrderedFeed, OrderedFeed];
    const merged = mergeFeeds({ delegation, message });
    lease.onEnd(() => {
      void merged.close().catch((error: unknown) => this.logger.debug({ err: error }, 'could not delete an event stream consumer; it expires by itself'));
    });
    return merged;
  }

  private follow(kind: NoticeKind, agent: string, after: NoticeCursor) {
    const event = kind === 'delegation' ? BUS_EVENTS.delegationChanged : BUS_EVENTS.messageNoticed;
    return this.bus.streams
      .follow(JETSTREAM_STREAMS.delegationNotices, perAgentSubject(event, agent), {
        afterSeq: after[kind],
        // Should a delete ever fail (NATS away at that moment), the server drops it by itself.
        inactiveThresholdMs: CONSUMER_INACTIVE_MS,
      })
      .catch((error: unknown) => {
        throw new LighthouseError('SERVICE_UNAVAILABLE', 'the notice stream is not available yet', { cause: error });
      });
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

/** A notice's data as the SSE event carries it; nothing for what does not match its contract. */
function sseEventOf(kind: NoticeKind, payload: unknown): string | undefined {
  const parsed = (kind === 'delegation' ? BUS_EVENTS.delegationChanged : BUS_EVENTS.messageNoticed).data.safeParse(payload);
  return parsed.success ? JSON.stringify(parsed.data) : undefined;
}
