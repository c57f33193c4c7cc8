import {
  AgentIdSchema,
  LighthouseError,
  ReleaseReservationRequestSchema,
  RenewReservationRequestSchema,
  RESERVATION_LIMITS,
  ReservationPatternSchema,
  ReserveRequestSchema,
  type ReleasedReservations,
  type ReservationGrant,
  type ReservationList,
} from '@lighthouse/contracts';
import { z } from 'zod';
import type { SessionKeeper } from '../session/session.keeper';

const { mode, reason, ttlSeconds } = ReserveRequestSchema.shape;
const { epoch } = ReleaseReservationRequestSchema.shape;

/** The reservation tools: their descriptions and input schemas (built from the contracts, so a tool accepts what the gateway does). */
export const RESERVATION_TOOL_INPUTS = {
  reserve_files: {
    description:
      'Reserve files before changing them, so other agents do not overwrite your work: paths or globs relative to the workspace root (e.g. "src/auth/**", "docs/plan.md"; the first segment must be a plain name), exclusive (nobody else may write there) or shared (others may share it, nobody may take it exclusively), with a reason and a time to live. All or none: RESERVATION_CONFLICT names the holder, its reason and expiry. Returns the epoch of the grant (release_files needs it) and the reservations. They end at their TTL, when you release them, or when your session ends.',
    input: z.strictObject({
      paths: z.array(ReservationPatternSchema).min(1).max(RESERVATION_LIMITS.patternsPerRequest).describe('Paths or globs relative to the workspace root'),
      mode: mode.describe('exclusive (default) or shared'),
      reason: reason.describe('Why: other agents see it when they run into the reservation'),
      ttlSeconds: ttlSeconds.describe(`Seconds it lasts (${RESERVATION_LIMITS.minTtlSeconds} to ${RESERVATION_LIMITS.maxTtlSeconds}, default ${RESERVATION_LIMITS.defaultTtlSeconds})`),
    }),
  },
  release_files: {
    description:
      'Release reservations you hold: give the epoch reserve_files returned, and the ids of the reservations to release (or none: every reservation of that grant). An epoch that is no longer yours (the reservations expired, or you reserved again since) is STALE_EPOCH.',
    input: z.strictObject({
      epoch: epoch.describe('The epoch reserve_files returned'),
      ids: z.array(z.uuid()).min(1).max(RESERVATION_LIMITS.patternsPerRequest).optional().describe('Reservation ids of that grant; omit to release the whole grant'),
    }),
  },
  renew_reservations: {
    description:
      'Extend every live reservation of one grant before it runs out: give the epoch reserve_files returned and, optionally, a new time to live counted from now. A grant that expired or was released is STALE_EPOCH: reserve again.',
    input: z.strictObject({
      epoch: RenewReservationRequestSchema.shape.epoch.describe('The epoch reserve_files returned'),
      ttlSeconds: RenewReservationRequestSchema.shape.ttlSeconds.describe(`Seconds from now (${RESERVATION_LIMITS.minTtlSeconds} to ${RESERVATION_LIMITS.maxTtlSeconds}); omit to keep the grant's own TTL`),
    }),
  },
  list_reservations: {
    description: 'Live reservations of every agent (who works where): all, those of one holder (mine: your own), or those overlapping a path or glob; page with cursor.',
    input: z.strictObject({
      mine: z.boolean().default(false).describe('Only your own reservations'),
      holder: AgentIdSchema.optional().describe("Only this agent's reservations"),
      path: ReservationPatternSchema.optional().describe('Only reservations overlapping this path or glob'),
      limit: z.number().int().min(1).max(RESERVATION_LIMITS.pageSize).default(50),
      cursor: z.string().min(1).max(200).optional().describe('The nextCursor of the previous page'),
    }),
  },
} as const;

type Inputs = typeof RESERVATION_TOOL_INPUTS;
type Input<N extends keyof Inputs> = z.infer<Inputs[N]['input']>;
type Context = { signal: AbortSignal };

const query = (params: Record<string, string | number | undefined>) =>
  `?${new URLSearchParams(Object.entries(params).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]]))).toString()}`;

/** What each reservation tool does: one gateway call each, for this agent and its session. */
export function reservationToolHandlers(session: SessionKeeper) {
  return {
    reserve_files: (input: Input<'reserve_files'>, context: Context) => session.change<ReservationGrant>('POST', '/reservations', input, { signal: context.signal }),
    renew_reservations: (input: Input<'renew_reservations'>, context: Context) => session.change<ReservationGrant>('POST', '/reservations/renew', input, { signal: context.signal }),
    release_files: (input: Input<'release_files'>, context: Context) => session.change<ReleasedReservations>('POST', '/reservations/release', input, { signal: context.signal }),
    list_reservations: ({ mine, holder, ...page }: Input<'list_reservations'>, context: Context) => {
      if (mine && holder !== undefined && holder !== session.agentId) throw new LighthouseError('VALIDATION_FAILED', `mine lists ${session.agentId}'s reservations: give either mine or holder ${holder}`);
      return session.get<ReservationList>(`/reservations${query({ ...page, holder: mine ? session.agentId : holder })}`, { signal: context.signal });
    },
  };
}
