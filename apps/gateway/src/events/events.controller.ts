import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventTypeSchema, LighthouseError, ReadResultSchema, StreamIdSchema, type ReadResult } from '@lighthouse/contracts';
import { EventStoreClient, MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId } from '../auth/identity.decorators';
import { Access } from '../auth/access.decorator';
import { ActorResolver } from '../delegations/actor.resolver';
import { EventVisibilityFilter } from './event-visibility.filter';

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

/** Event types and streams the bridge itself writes: an agent may never forge them (and reads them as the visibility rule allows). */
const RESERVED_TYPES = /^(session|expert|agent|credential|delegation|validation|fs|message|reservation)\./;
const RESERVED_STREAMS = /^(decisions|fs|reservations|delegation-.*|agent:.*|thread-.*)$/;

/**
 * The shared history for agents: `POST /events` records an agent's own event (attributed to the
 * caller from its token, on a stream that is not one of the bridge's), `GET /events` reads what
 * of it the caller may see.
 */
@Controller('events')
export class EventsController {
  private readonly store: EventStoreClient;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
    @Inject(EventVisibilityFilter) private readonly visibility: EventVisibilityFilter,
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

  /** The caller's view of the history: its own streams, its delegations, public streams (see EventVisibilityFilter). */
  @Get()
  async query(@Query(new ZodValidationPipe(QueryEventsSchema)) query: z.infer<typeof QueryEventsSchema>, @Caller() caller: AgentIdentity): Promise<ReadResult> {
    const page = ReadResultSchema.parse(await this.store.read(query));
    return this.visibility.visible({ agent: caller.claims.sub, operator: false }, page);
  }
}

/** The operator's view: the whole history, with the same query and paging as `GET /events`. */
@Access('admin')
@Controller('admin/events')
export class AdminEventsController {
  private readonly store: EventStoreClient;

  constructor(@Inject(MESSAGE_BUS) bus: MessageBus) {
    this.store = new EventStoreClient(bus);
  }

  @Get()
  async query(@Query(new ZodValidationPipe(QueryEventsSchema)) query: z.infer<typeof QueryEventsSchema>): Promise<ReadResult> {
    return ReadResultSchema.parse(await this.store.read(query));
  }
}
