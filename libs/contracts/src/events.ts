import { z } from 'zod';
import { EventChannelSchema } from './event-channels';

const name = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:\/-]+$/, 'letters, digits and _ . : / - only');

/** Event type names, `<context>.<what_happened>`, e.g. `session.created`. */
export const EventTypeSchema = name;
/** A stream groups the events of one thing (an agent, a delegation, a file), e.g. `agent-42`. */
export const StreamIdSchema = name;
export const AgentIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.@-]+$/);
export const EventIdSchema = z.uuid();

/** What a producer hands to the event store: everything but what the store assigns. */
export const NewEventSchema = z.strictObject({
  id: EventIdSchema,
  type: EventTypeSchema,
  stream: StreamIdSchema,
  agent: AgentIdSchema,
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128).nullable(),
  schemaVersion: z.number().int().min(1).max(1000),
  data: z.record(z.string(), z.unknown()),
});
export type NewEvent = z.infer<typeof NewEventSchema>;

/** A committed event: the producer's event plus its place in the log. */
export const EventEnvelopeSchema = z.strictObject({
  ...NewEventSchema.shape,
  /** Global position in the log, from 1, gapless. */
  sequence: z.number().int().min(1),
  /** Position within its stream, from 1. */
  streamVersion: z.number().int().min(1),
  /** Commit time, ISO 8601 UTC. */
  time: z.iso.datetime(),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

export const AppendRequestSchema = z.strictObject({
  events: z.array(NewEventSchema).min(1).max(1000),
  /** Optimistic concurrency: the stream version the producer last saw (0 = stream must be new). */
  expectedVersion: z.number().int().min(0).optional(),
});
export type AppendRequest = z.infer<typeof AppendRequestSchema>;

export const AppendResultSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('committed'),
    /** Sequence of each event, in request order (a duplicate id returns its original sequence). */
    sequences: z.array(z.number().int().min(1)),
    streamVersion: z.number().int().min(0),
  }),
  z.strictObject({
    status: z.literal('conflict'),
    expectedVersion: z.number().int().min(0),
    actualVersion: z.number().int().min(0),
  }),
]);
export type AppendResult = z.infer<typeof AppendResultSchema>;

export const ReadQuerySchema = z.strictObject({
  fromSequence: z.number().int().min(1).default(1),
  stream: StreamIdSchema.optional(),
  type: EventTypeSchema.optional(),
  agent: AgentIdSchema.optional(),
  fromTime: z.iso.datetime().optional(),
  toTime: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type ReadQuery = z.infer<typeof ReadQuerySchema>;

export const ReadResultSchema = z.strictObject({
  events: z.array(EventEnvelopeSchema),
  /** Pass as `fromSequence` to get the next page; null when the log has nothing further. */
  nextSequence: z.number().int().min(1).nullable(),
});
export type ReadResult = z.infer<typeof ReadResultSchema>;

/**
 * Per-channel bounds (`before`, the head's `channels`), keyed by channel name. Not every channel
 * need be there, and a name this version does not know is let through: a follower reads a
 * missing bound of a channel it follows as "unknown" (it reads the store), and ignores the rest.
 * So a store and its followers of different versions (a channel added, as `verdict` was) keep
 * understanding each other during a rolling upgrade; a record keyed by the channel enum would
 * have refused every message and head of the other version (zod's enum-keyed records are exhaustive).
 */
const ChannelBoundsSchema = z.record(z.string().min(1).max(64), z.number().int().min(0));

export const LogHeadSchema = z.strictObject({
  lastSequence: z.number().int().min(0),
  chainHead: z.string(),
  /**
   * Per channel, a sequence at or after its last event (see {@link CommittedEventsSchema}): a
   * follower knows from it whether it lacks anything, without reading the other channels' events.
   */
  channels: ChannelBoundsSchema.optional(),
});
export type LogHead = z.infer<typeof LogHeadSchema>;

/** Most events one committed-events message carries (the store splits longer runs, and any run over the frame limit). */
export const MAX_COMMITTED_EVENTS_PER_MESSAGE = 1000;

/**
 * One message of committed events: a run of events of one channel with consecutive sequences,
 * published once their batch is durable. `before` says, for every channel, a sequence at or
 * after the last event of that channel committed before `events[0]` (0: none): a follower of
 * channel `c` at position `next` has missed something only if `before[c] >= next`, and then
 * reads the range from the store. (After a restart of the store, the bound is its head then.)
 */
export const CommittedEventsSchema = z.strictObject({
  channel: EventChannelSchema,
  events: z.array(EventEnvelopeSchema).min(1).max(MAX_COMMITTED_EVENTS_PER_MESSAGE),
  before: ChannelBoundsSchema,
});

export type CommittedEvents = z.infer<typeof CommittedEventsSchema>;
