import { z } from 'zod';
import { AgentIdSchema } from './events';
import { NonceSchema } from './sessions';

/** A role experts register under, e.g. `security_architect`. */
export const RoleSchema = z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case');

export const DELEGATION_STATES = ['queued', 'assigned', 'in_progress', 'completed', 'failed', 'cancelled', 'expired'] as const;
export const DelegationStateSchema = z.enum(DELEGATION_STATES);
export type DelegationState = z.infer<typeof DelegationStateSchema>;

/** Terminal states: nothing changes a delegation once it is in one. */
export const TERMINAL_DELEGATION_STATES: readonly DelegationState[] = ['completed', 'failed', 'cancelled', 'expired'];

/** `task`: work for an expert. `validation`: the speed layer asks an expert about one command. */
export const DelegationKindSchema = z.enum(['task', 'validation']);

/** Who a delegation is for: any available expert of a role, or one named agent. */
export const DelegationTargetSchema = z.union([
  z.strictObject({ role: RoleSchema }),
  z.strictObject({ agent: AgentIdSchema }),
]);
export type DelegationTarget = z.infer<typeof DelegationTargetSchema>;

const JsonRecord = z.record(z.string(), z.unknown());

export const ProgressNoteSchema = z.strictObject({ at: z.iso.datetime(), note: z.string().min(1).max(2000) });

/** A delegation as the router keeps it and every reader sees it. */
export const DelegationSchema = z.strictObject({
  id: z.uuid(),
  kind: DelegationKindSchema,
  requester: AgentIdSchema,
  target: DelegationTargetSchema,
  title: z.string().min(1).max(200),
  body: z.string().max(64 * 1024),
  context: JsonRecord,
  state: DelegationStateSchema,
  assignee: AgentIdSchema.nullable(),
  /** Fencing token: grows with every claim; a completion must carry the current one. */
  claimEpoch: z.number().int().min(0),
  leaseExpiresAt: z.iso.datetime().nullable(),
  deadline: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Agents whose claim on it was lost (they are not given it again). */
  releasedFrom: z.array(AgentIdSchema).max(100),
  progress: z.array(ProgressNoteSchema).max(20),
  result: JsonRecord.nullable(),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(2000) }).nullable(),
  correlationId: z.string().min(1).max(128),
});
export type Delegation = z.infer<typeof DelegationSchema>;

/** Who is asking: the gateway fills this from the authenticated session, never from the body. */
export const ActorSchema = z.strictObject({
  agent: AgentIdSchema,
  operator: z.boolean().default(false),
  /** Roles the agent is registered under as an expert. */
  roles: z.array(RoleSchema).max(20).default([]),
  /** How many delegations the agent works on at once, as it registered (experts only). */
  capacity: z.number().int().min(1).max(100).default(4),
});
export type Actor = z.infer<typeof ActorSchema>;

export const CreateDelegationSchema = z.strictObject({
  kind: DelegationKindSchema.default('task'),
  target: DelegationTargetSchema,
  title: z.string().min(1).max(200),
  body: z.string().max(64 * 1024).default(''),
  context: JsonRecord.default({}),
  /** Seconds until the delegation expires if nobody completes it (default 1 hour). */
  deadlineSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(3600),
  correlationId: z.string().min(1).max(128).optional(),
});
export type CreateDelegation = z.infer<typeof CreateDelegationSchema>;

const idAndActor = { actor: ActorSchema, id: z.uuid() };

/** An operator's name in the console: a ruling records it as `human.<operator>`. */
export const OperatorNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'an operator name: 1-64 of A-Z a-z 0-9 _ . @ -');

/** The agent id a human's ruling is recorded under (`ruledBy`, the delegation's assignee). */
export const humanAgentIdOf = (operator: string): string => `human.${operator}`;

/**
 * A human's answer to an escalation, from the console: allow this exact call once, allow its
 * pattern (its decision key) for `ttlSeconds`, or deny; always with a reason.
 */
export const HumanRulingSchema = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  /** `once`: this waiting call only, remembered nowhere; `pattern`: the call's decision key, for `ttlSeconds`. A deny is always remembered like an expert's. */
  scope: z.enum(['once', 'pattern']).default('once'),
  ttlSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(3600),
  reason: z.string().trim().min(1).max(2000),
});
export type HumanRuling = z.infer<typeof HumanRulingSchema>;

export const DelegationRequestSchemas = {
  create: z.strictObject({
    actor: ActorSchema,
    request: CreateDelegationSchema,
    /**
     * The nonce of the agent's signed HTTP request: the delegation's id is derived from it and the
     * agent, so a replay of that request finds the id taken (CONFLICT) and creates nothing.
     */
    requestNonce: NonceSchema.optional(),
  }),
  get: z.strictObject(idAndActor),
  list: z.strictObject({
    actor: ActorSchema,
    scope: z.enum(['mine', 'assigned', 'all']).default('mine'),
    state: DelegationStateSchema.optional(),
    /** Only delegations of this kind (the console's escalations: `validation`). */
    kind: DelegationKindSchema.optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(200).optional(),
  }),
  /** Long-poll: the next delegation for this expert, or null when none came within waitMs. */
  next: z.strictObject({ actor: ActorSchema, waitMs: z.number().int().min(0).max(60_000).default(25_000) }),
  claim: z.strictObject(idAndActor),
  progress: z.strictObject({ ...idAndActor, epoch: z.number().int().min(1), note: z.string().min(1).max(2000) }),
  complete: z.strictObject({ ...idAndActor, epoch: z.number().int().min(1), result: JsonRecord }),
  fail: z.strictObject({
    ...idAndActor,
    epoch: z.number().int().min(1),
    error: z.strictObject({ code: z.string().min(1).max(64), message: z.string().min(1).max(2000) }),
  }),
  cancel: z.strictObject({ ...idAndActor, reason: z.string().max(2000).default('cancelled by requester') }),
  /** An operator (a human in the console) rules on a waiting `validation` delegation, whoever holds it. */
  rule: z.strictObject({ ...idAndActor, operator: OperatorNameSchema, ruling: HumanRulingSchema }),
  /** Blocks until the delegation is terminal or waitMs passes; answers its latest state. */
  wait: z.strictObject({ ...idAndActor, waitMs: z.number().int().min(0).max(60_000).default(25_000) }),
} as const;

/** One page of delegations, newest first, bounded in count and bytes (it always fits one frame). */
export const DelegationListSchema = z.strictObject({
  delegations: z.array(DelegationSchema),
  /** Pass as `cursor` for the next page; null when there is nothing further. */
  nextCursor: z.string().nullable(),
});
export type DelegationList = z.infer<typeof DelegationListSchema>;
export const NextDelegationSchema = z.strictObject({ delegation: DelegationSchema.nullable() });

/** Published on `lh.delegation.evt.changed.v1.<agent>` to each agent a change concerns. */
export const DelegationChangedSchema = z.strictObject({
  delegation: DelegationSchema,
  change: z.string(),
});
export type DelegationChanged = z.infer<typeof DelegationChangedSchema>;

/** Published by the session registry on `lh.session.evt.presence.v1`. */
export const PresenceSchema = z.strictObject({
  agent: AgentIdSchema,
  status: z.enum(['alive', 'gone']),
  at: z.iso.datetime(),
});
export type Presence = z.infer<typeof PresenceSchema>;
