import { z } from 'zod';
import { ExpertRoleSchema, ExpertStatusSchema, GrantedRolesSchema, SessionIdSchema } from './sessions';

/**
 * Events the session-registry appends to the event store, one stream per agent
 * (`agent:<agentId>`, see {@link agentStreamOf}). Schema version 1 for every type. Secrets
 * (credentials, their hashes, tokens, session keys) never appear in an event.
 */
const iso = z.iso.datetime();
const operator = z.strictObject({ by: z.literal('operator'), via: z.enum(['http', 'cli']) });

export const SESSION_EVENT_DATA = {
  'credential.issued': z.strictObject({
    ...operator.shape,
    issuedAt: iso,
    /** Roles granted with the credential (absent in events from before roles were granted: none). Issuing ends every session of the previous credential. */
    roles: GrantedRolesSchema.optional(),
  }),
  'agent.revoked': z.strictObject({ ...operator.shape, revokedAt: iso, sessionsEnded: z.number().int().min(0) }),
  'session.created': z.strictObject({ sessionId: SessionIdSchema, sessionExpiresAt: iso, tokenExpiresAt: iso }),
  'session.refreshed': z.strictObject({ sessionId: SessionIdSchema, tokenExpiresAt: iso }),
  'session.ended': z.strictObject({ sessionId: SessionIdSchema, endedBy: SessionIdSchema, expertDeregistered: z.boolean() }),
  'expert.registered': z.strictObject({
    sessionId: SessionIdSchema,
    role: ExpertRoleSchema,
    capabilities: z.array(z.string()),
    capacity: z.number().int().min(1),
    status: ExpertStatusSchema,
  }),
  'expert.deregistered': z.strictObject({ sessionId: SessionIdSchema, role: ExpertRoleSchema }),
} as const;

export type SessionEventType = keyof typeof SESSION_EVENT_DATA;
export type SessionEventData<T extends SessionEventType> = z.infer<(typeof SESSION_EVENT_DATA)[T]>;

/**
 * The event stream of one agent. Agent ids may hold `@`, which stream names may not; `/` is in
 * stream names but never in agent ids, so the mapping stays one to one.
 */
export const agentStreamOf = (agentId: string): string => `agent:${agentId.replaceAll('@', '/')}`;
