import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { DelegationChangedSchema, JETSTREAM_STREAMS, LighthouseError, SUBJECTS } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { FrameCodec, LOGGER, NatsBus } from '@lighthouse/transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeliverPolicy } from 'nats';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';

const KEEPALIVE_MS = 15_000;

/**
 * `GET /events/stream`: server-sent events of the caller's own delegations (as requester or
 * assignee), read from the JetStream notice stream filtered to the caller's subject. Each event's
 * id is its stream sequence, so a client that reconnects with `Last-Event-ID` misses nothing.
 */
@Controller('events')
export class EventStreamController {
  private readonly codec = new FrameCodec();

  constructor(
    @Inject(NatsBus) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('stream')
  async stream(@Caller() caller: AgentIdentity, @Headers('last-event-id') lastEventId: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const after = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const consumer = await this.bus.connection
      .jetstream()
      .consumers.get(JETSTREAM_STREAMS.delegationNotices, {
        // One subject as a string: a list needs NATS 2.10's filter_subjects, a string works on 2.9 too.
        filterSubjects: `${SUBJECTS.delegation.changed}.${caller.claims.sub}`,
        ...(after === undefined ? { deliver_policy: DeliverPolicy.New } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
      })
      .catch((error: unknown) => {
        throw new LighthouseError('SERVICE_UNAVAILABLE', 'the delegation notice stream is not available yet', { cause: error });
      });
    const messages = await consumer.consume();
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    reply.raw.write(': connected\n\n');
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    const close = () => {
      clearInterval(keepalive);
      void messages.close();
    };
    request.raw.once('close', close);
    try {
      for await (const msg of messages) {
        const notice = DelegationChangedSchema.safeParse((this.codec.decode(msg.data) as { data?: unknown }).data);
        if (notice.success) reply.raw.write(`id: ${msg.seq}\nevent: delegation\ndata: ${JSON.stringify(notice.data)}\n\n`);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'event stream ended');
    } finally {
      close();
      reply.raw.end();
    }
  }
}
