import { z } from 'zod';
import { AgentIdSchema } from './events';
import { CreateDelegationSchema } from './delegations';

const iso = z.iso.datetime();

/**
 * What can happen to a delegation, as the router decides it (one event-store stream per
 * delegation, `delegation-<id>`). The store keeps each event's data with the decision time `at`
 * added (see {@link DELEGATION_STORED_EVENT_DATA}); the state is the fold of these events.
 */
export const DELEGATION_EVENT_DATA = {
  'delegation.created': z.strictObject({
    id: z.uuid(),
    requester: AgentIdSchema,
    request: CreateDelegationSchema.omit({ correlationId: true }).required(),
    correlationId: z.string().min(1).max(128),
  }),
  'delegation.assigned': z.strictObject({ assignee: AgentIdSchema, leaseExpiresAt: iso }),
  'delegation.claimed': z.strictObject({ assignee: AgentIdSchema, claimEpoch: z.number().int().min(1), leaseExpiresAt: iso }),
  'delegation.progressed': z.strictObject({ note: z.string().min(1).max(2000), leaseExpiresAt: iso }),
  'delegation.lease_extended': z.strictObject({ leaseExpiresAt: iso }),
  'delegation.released': z.strictObject({ from: AgentIdSchema, reason: z.string().max(2000) }),
  'delegation.completed': z.strictObject({ result: z.record(z.string(), z.unknown()) }),
  'delegation.failed': z.strictObject({ error: z.strictObject({ code: z.string().max(64), message: z.string().max(2000) }) }),
  'delegation.cancelled': z.strictObject({ by: AgentIdSchema, reason: z.string().max(2000) }),
  'delegation.expired': z.strictObject({}),
} as const;

export type DelegationEventType = keyof typeof DELEGATION_EVENT_DATA;

/** One delegation event as the Decider emits it: a discriminated union on `type`. */
export type DelegationEvent = {
  [T in DelegationEventType]: { type: T; data: z.output<(typeof DELEGATION_EVENT_DATA)[T]> };
}[DelegationEventType];

/** Stored form: the decided data plus `at`, the time the router decided it (ISO 8601). */
export const DELEGATION_STORED_EVENT_DATA = Object.fromEntries(
  Object.entries(DELEGATION_EVENT_DATA).map(([type, schema]) => [type, schema.extend({ at: iso })]),
) as unknown as Record<DelegationEventType, z.ZodObject>;

/** The event-store stream of one delegation. */
export const delegationStreamOf = (id: string): string => `delegation-${id}`;
