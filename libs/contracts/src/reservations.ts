import { z } from 'zod';
import { ActorSchema } from './delegations';
import { AgentIdSchema } from './events';
import { SessionIdSchema } from './sessions';

/**
 * File reservations: an agent reserves paths or globs of the project (relative to the workspace
 * root), exclusive or shared, with a reason and a time to live. Every change is an event on the
 * one stream {@link RESERVATIONS_STREAM}, written with the stream's expected version, so two
 * router replicas can never both grant overlapping exclusive reservations.
 */
export const RESERVATIONS_STREAM = 'reservations';

/** Bounds of every reservation input; the domain lib (libs/reservations) enforces the finer ones. */
export const RESERVATION_LIMITS = {
  /** Characters of one pattern. */
  patternChars: 512,
  /** Patterns in one reserve or release request. */
  patternsPerRequest: 32,
  reasonChars: 500,
  minTtlSeconds: 5,
  maxTtlSeconds: 24 * 3600,
  defaultTtlSeconds: 3600,
  /** Reservations listed in one page. */
  pageSize: 500,
} as const;

export const ReservationModeSchema = z.enum(['exclusive', 'shared']);
export type ReservationMode = z.infer<typeof ReservationModeSchema>;

/** A path or glob as sent; its grammar (relative, no `..`, bounded braces) is checked by libs/reservations. */
export const ReservationPatternSchema = z.string().min(1).max(RESERVATION_LIMITS.patternChars);
const Reason = z.string().min(1).max(RESERVATION_LIMITS.reasonChars);
const Ttl = z.number().int().min(RESERVATION_LIMITS.minTtlSeconds).max(RESERVATION_LIMITS.maxTtlSeconds);
const iso = z.iso.datetime();

/** One live reservation, as every reader sees it. */
export const ReservationSchema = z.strictObject({
  id: z.uuid(),
  holder: AgentIdSchema,
  /** The session that made it: it ends with that session. */
  sessionId: SessionIdSchema,
  /** Normalised pattern, relative to the workspace root. */
  pattern: ReservationPatternSchema,
  mode: ReservationModeSchema,
  reason: Reason,
  /** Fencing token of the grant that made it: renewals and releases must carry it. Grows with every grant. */
  epoch: z.number().int().min(1),
  createdAt: iso,
  expiresAt: iso,
});
export type Reservation = z.infer<typeof ReservationSchema>;

/** `POST /reservations`: reserve every path (all or none). */
export const ReserveRequestSchema = z.strictObject({
  paths: z.array(ReservationPatternSchema).min(1).max(RESERVATION_LIMITS.patternsPerRequest),
  mode: ReservationModeSchema.default('exclusive'),
  reason: Reason,
  ttlSeconds: Ttl.default(RESERVATION_LIMITS.defaultTtlSeconds),
});
export type ReserveRequest = z.infer<typeof ReserveRequestSchema>;

/** `POST /reservations/renew`: extend every live reservation of one grant. */
export const RenewReservationRequestSchema = z.strictObject({ epoch: z.number().int().min(1), ttlSeconds: Ttl.optional() });
export type RenewReservationRequest = z.infer<typeof RenewReservationRequestSchema>;

/** `POST /reservations/release`: release a grant (every reservation of it, or the ones listed by pattern or by id). */
export const ReleaseReservationRequestSchema = z.strictObject({
  epoch: z.number().int().min(1),
  paths: z.array(ReservationPatternSchema).min(1).max(RESERVATION_LIMITS.patternsPerRequest).optional(),
  /** Reservation ids of this grant (as reserve and list answer them). */
  ids: z.array(z.uuid()).min(1).max(RESERVATION_LIMITS.patternsPerRequest).optional(),
});
export type ReleaseReservationRequest = z.infer<typeof ReleaseReservationRequestSchema>;

/** `POST /admin/reservations/release`: an operator ends reservations by id or every one of a holder. */
export const ForceReleaseRequestSchema = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(100).optional(),
    holder: AgentIdSchema.optional(),
    reason: Reason,
  })
  .refine((r) => (r.ids === undefined) !== (r.holder === undefined), { message: 'name either ids or a holder' });
export type ForceReleaseRequest = z.infer<typeof ForceReleaseRequestSchema>;

/** `GET /reservations`: live reservations, by holder or by a path they cover. */
export const ListReservationsQuerySchema = z.strictObject({
  holder: AgentIdSchema.optional(),
  /** Only reservations that overlap this path or glob. */
  path: ReservationPatternSchema.optional(),
  limit: z.coerce.number().int().min(1).max(RESERVATION_LIMITS.pageSize).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});
export type ListReservationsQuery = z.infer<typeof ListReservationsQuerySchema>;

/** What a reserve or a renew answers: the grant's epoch and its live reservations. */
export const ReservationGrantSchema = z.strictObject({ epoch: z.number().int().min(1), reservations: z.array(ReservationSchema) });
export type ReservationGrant = z.infer<typeof ReservationGrantSchema>;

export const ReleasedReservationsSchema = z.strictObject({ released: z.array(z.uuid()) });
export type ReleasedReservations = z.infer<typeof ReleasedReservationsSchema>;

export const ReservationListSchema = z.strictObject({ reservations: z.array(ReservationSchema), nextCursor: z.string().nullable() });
export type ReservationList = z.infer<typeof ReservationListSchema>;

/** Who acts: the gateway fills the actor and the session from the verified token, never from a body. */
const Caller = { actor: ActorSchema, sessionId: SessionIdSchema };

export const ReservationRequestSchemas = {
  reserve: z.strictObject({ ...Caller, request: ReserveRequestSchema }),
  renew: z.strictObject({ ...Caller, request: RenewReservationRequestSchema }),
  release: z.strictObject({ ...Caller, request: ReleaseReservationRequestSchema }),
  list: z.strictObject({ actor: ActorSchema, ...ListReservationsQuerySchema.shape }),
  forceRelease: z.strictObject({ request: ForceReleaseRequestSchema }),
} as const;

/** Why a reservation ended without its holder releasing it. */
export const ReservationExpiryCauseSchema = z.enum(['ttl', 'holder-gone', 'session-ended']);

/** The reservation events (stream {@link RESERVATIONS_STREAM}), as decided; the store keeps each with `at` added. */
export const RESERVATION_EVENT_DATA = {
  'reservation.reserved': ReservationSchema.omit({ createdAt: true }),
  'reservation.renewed': z.strictObject({ id: z.uuid(), epoch: z.number().int().min(1), expiresAt: iso }),
  'reservation.released': z.strictObject({ id: z.uuid(), epoch: z.number().int().min(1), by: AgentIdSchema }),
  'reservation.expired': z.strictObject({ id: z.uuid(), epoch: z.number().int().min(1), cause: ReservationExpiryCauseSchema }),
  'reservation.forced': z.strictObject({ id: z.uuid(), epoch: z.number().int().min(1), by: z.literal('operator'), reason: Reason }),
} as const;

export type ReservationEventType = keyof typeof RESERVATION_EVENT_DATA;
export const RESERVATION_EVENT_TYPES = Object.keys(RESERVATION_EVENT_DATA) as ReservationEventType[];

/** One reservation event as the Decider emits it. */
export type ReservationEvent = {
  [T in ReservationEventType]: { type: T; data: z.output<(typeof RESERVATION_EVENT_DATA)[T]> };
}[ReservationEventType];

/** Stored form: the decided data plus `at`, the decision time. */
export const RESERVATION_STORED_EVENT_DATA = Object.fromEntries(
  Object.entries(RESERVATION_EVENT_DATA).map(([type, schema]) => [type, schema.extend({ at: iso })]),
) as unknown as Record<ReservationEventType, z.ZodObject>;

/** What a deny for a held path names: the reservation in the way. */
export const ReservationConflictSchema = ReservationSchema.pick({ id: true, holder: true, pattern: true, mode: true, reason: true, expiresAt: true, epoch: true }).extend({
  /** The workspace-relative path of the call that touches it. */
  path: z.string().max(1024),
});
export type ReservationConflict = z.infer<typeof ReservationConflictSchema>;
