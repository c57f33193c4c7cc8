import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventTypeSchema, LighthouseError, ReadResultSchema, StreamIdSchema, type ReadResult } from '@lighthouse/contracts';
import { EventStoreClient, MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';

export const StoreEventBodySchema = z.strictObject({ type: EventTypeSchema, stream: StreamIdSchema, data: z.record(z.string(), z.unknown()) });
export const QueryEventsSchema = z.strictObject({
  fromSequence: z.coerce.number().int().min(1).default(1),
  stream: StreamIdSchema.optional(),
  type: EventTypeSchema.optional(),
  agent: z.string().min(1).max(128).optional(),
  fromTime: z.iso.datetime().optional(),
  toTime: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const StoredEventSchema = z.strictObject({ id: z.uuid(), sequence: z.number().int().min(1), streamVersion: z.number().int().min(1) });

/** Event types and streams the bridge itself writes: an agent may read them, never forge them. */
const RESERVED_TYPES = /^(session|expert|agent|credential|delegation|validation|fs)\./;
const RESERVED_STREAMS = /^(decisions|fs|delegation-.*|agent:.*)$/;

/**
 * The shared history for agents: `POST /events` records an agent's own event (attributed to the
 * caller from its token, on a stream that is not one of the bridge's), `GET /events` reads it.
 */
@Controller('events')
export class EventsController {
  private readonly store: EventStoreClient;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
  ) {
    this.store = new EventStoreClient(bus);
  }

  @Post()
  async append(@Body(new ZodValidationPipe(StoreEventBodySchema)) body: z.infer<typeof StoreEventBodySchema>, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string) {
    if (RESERVED_TYPES.test(body.type) || RESERVED_STREAMS.test(body.stream)) {
      throw new LighthouseError('FORBIDDEN', `type ${body.type} on stream ${body.stream} is reserved for the bridge's own events`);
    }
    const actor = await this.actors.checked(caller, true);
    const id = randomUUID();
    const result = await this.store.append({
      events: [{ id, type: body.type, stream: body.stream, agent: actor.agent, correlationId, causationId: null, schemaVersion: 1, data: body.data }],
    });
    if (result.status !== 'committed') throw new LighthouseError('CONFLICT', 'the event could not be appended');
    return StoredEventSchema.parse({ id, sequence: result.sequences[0], streamVersion: result.streamVersion });
  }

  @Get()
  query(@Query(new ZodValidationPipe(QueryEventsSchema)) query: z.infer<typeof QueryEventsSchema>): Promise<ReadResult> {
    return this.store.read(query).then((result) => ReadResultSchema.parse(result));
  }
}
