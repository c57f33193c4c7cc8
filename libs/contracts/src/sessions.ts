import { z } from 'zod';
import { AgentIdSchema } from './events';

/**
 * Sessions, credentials and expert registrations: the HTTP bodies the gateway accepts and
 * answers, and the NATS commands it sends the session-registry. Every object is strict: an
 * unknown field is a validation error, never silently dropped.
 */

export { MAX_CLOCK_SKEW_SECONDS, AUTH_HEADERS } from './auth-headers';

const iso = z.iso.datetime();
const correlationId = z.string().min(1).max(128);

/** 16 random bytes, base64url: 22 characters. */
export const SessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a session id is 22 base64url characters');
export const NonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a nonce is 16–64 characters of A-Z a-z 0-9 _ -');
/** What an operator hands an agent once: `lhc_` and 32 random bytes, base64url. */
export const CredentialSchema = z.string().regex(/^lhc_[A-Za-z0-9_-]{43}$/, 'a credential is lhc_ and 43 base64url characters');
/** An expert role, e.g. `security_architect`. */
export const ExpertRoleSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a role is lower-case letters, digits and _, up to 64');
export const ExpertStatusSchema = z.enum(['available', 'busy', 'away']);
const capability = z.string().regex(/^[A-Za-z0-9_.:\/-]{1,64}$/, 'a capability is up to 64 of A-Z a-z 0-9 _ . : / -');

// ---- HTTP bodies and answers -------------------------------------------------------------

/** `POST /sessions`: an agent proves itself with the credential its operator issued. */
export const CreateSessionRequestSchema = z.strictObject({
  agentId: AgentIdSchema,
  credential: CredentialSchema,
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

/** A session token and what a client needs to use it (answer of create and refresh). */
export const SessionGrantSchema = z.strictObject({
  agentId: AgentIdSchema,
  sessionId: SessionIdSchema,
  /** Send as `Authorization: Bearer <token>`; valid until `tokenExpiresAt`. */
  token: z.string().max(4096),
  tokenExpiresAt: iso,
  /** The session's absolute end; refresh cannot extend past it. */
  sessionExpiresAt: iso,
  /** The session ends after this long without a heartbeat or other signed request. */
  idleTimeoutSeconds: z.number().int().min(1),
  /** base64url key for `X-LH-Signature` on state-changing requests; the same for the whole session. */
  sessionKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  audience: z.string(),
});
export type SessionGrant = z.infer<typeof SessionGrantSchema>;

export const HeartbeatResultSchema = z.strictObject({
  agentId: AgentIdSchema,
  sessionId: SessionIdSchema,
  /** When the session ends unless another signed request or heartbeat comes first. */
  idleExpiresAt: iso,
  sessionExpiresAt: iso,
});
export type HeartbeatResult = z.infer<typeof HeartbeatResultSchema>;

export const EndSessionResultSchema = z.strictObject({ sessionId: SessionIdSchema, endedAt: iso });
export type EndSessionResult = z.infer<typeof EndSessionResultSchema>;

/** `POST /experts`: register (or replace the registration of) the calling agent. */
export const RegisterExpertRequestSchema = z.strictObject({
  role: ExpertRoleSchema,
  capabilities: z.array(capability).max(64).default([]),
  /** How many delegations the expert takes at once. */
  capacity: z.number().int().min(1).max(1000).default(1),
  status: ExpertStatusSchema.default('available'),
});
export type RegisterExpertRequest = z.infer<typeof RegisterExpertRequestSchema>;

export const ExpertSchema = z.strictObject({
  agentId: AgentIdSchema,
  role: ExpertRoleSchema,
  capabilities: z.array(capability),
  capacity: z.number().int().min(1),
  status: ExpertStatusSchema,
  registeredAt: iso,
  /** Last signed request or heartbeat of the session that registered it. */
  lastSeenAt: iso,
});
export type Expert = z.infer<typeof ExpertSchema>;

/** `GET /experts?role=&status=&limit=` (query strings, so the limit is coerced). */
export const ListExpertsQuerySchema = z.strictObject({
  role: ExpertRoleSchema.optional(),
  status: ExpertStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListExpertsQuery = z.infer<typeof ListExpertsQuerySchema>;

export const ExpertListSchema = z.strictObject({ experts: z.array(ExpertSchema) });
export type ExpertList = z.infer<typeof ExpertListSchema>;

export const DeregisterExpertResultSchema = z.strictObject({ agentId: AgentIdSchema, deregisteredAt: iso });
export type DeregisterExpertResult = z.infer<typeof DeregisterExpertResultSchema>;

/** `GET /whoami`: the identity the presented token proves (answered by the gateway alone). */
export const WhoAmISchema = z.strictObject({
  agentId: AgentIdSchema,
  sessionId: SessionIdSchema,
  audience: z.string(),
  tokenIssuedAt: iso,
  tokenExpiresAt: iso,
});
export type WhoAmI = z.infer<typeof WhoAmISchema>;

/** Most expert roles one credential may grant. */
export const MAX_GRANTED_ROLES = 32;
/** The expert roles an operator grants an agent: the only roles it may register for. */
export const GrantedRolesSchema = z.array(ExpertRoleSchema).max(MAX_GRANTED_ROLES);

/**
 * `POST /admin/agents`: an operator issues (or replaces) an agent's credential and grants it
 * the expert roles it may register for (none when omitted). Re-issuing is how roles change.
 */
export const IssueCredentialRequestSchema = z.strictObject({ agentId: AgentIdSchema, roles: GrantedRolesSchema.default([]) });
export type IssueCredentialRequest = z.infer<typeof IssueCredentialRequestSchema>;

/** The credential, shown this once: the registry keeps only its SHA-256. */
export const IssuedCredentialSchema = z.strictObject({
  agentId: AgentIdSchema,
  credential: CredentialSchema,
  issuedAt: iso,
  /** The expert roles granted with this credential. */
  roles: GrantedRolesSchema,
  /** Sessions of the agent's previous credential that re-issuing ended. */
  sessionsEnded: z.number().int().min(0),
});
export type IssuedCredential = z.infer<typeof IssuedCredentialSchema>;

export const AgentRevokedSchema = z.strictObject({
  agentId: AgentIdSchema,
  revokedAt: iso,
  sessionsEnded: z.number().int().min(0),
});
export type AgentRevoked = z.infer<typeof AgentRevokedSchema>;

// ---- NATS commands (gateway → session-registry) -------------------------------------------

/**
 * What the registry needs to authenticate a command itself: the token (it verifies the
 * signature again rather than trusting the caller) and, for changes, timestamp and nonce.
 */
export const AuthProofSchema = z.strictObject({
  token: z.string().min(1).max(4096),
  timestamp: z.number().int().min(0).optional(),
  nonce: NonceSchema.optional(),
});
export type AuthProof = z.infer<typeof AuthProofSchema>;

const SignedProofSchema = z.strictObject({ ...AuthProofSchema.shape, timestamp: z.number().int().min(0), nonce: NonceSchema });

export const CreateSessionCommandSchema = z.strictObject({ ...CreateSessionRequestSchema.shape, correlationId });
export type CreateSessionCommand = z.infer<typeof CreateSessionCommandSchema>;

export const RefreshSessionCommandSchema = z.strictObject({ auth: SignedProofSchema, correlationId });
export type RefreshSessionCommand = z.infer<typeof RefreshSessionCommandSchema>;

export const HeartbeatCommandSchema = RefreshSessionCommandSchema;
export type HeartbeatCommand = RefreshSessionCommand;

export const EndSessionCommandSchema = z.strictObject({ auth: SignedProofSchema, sessionId: SessionIdSchema, correlationId });
export type EndSessionCommand = z.infer<typeof EndSessionCommandSchema>;

export const RegisterExpertCommandSchema = z.strictObject({ auth: SignedProofSchema, expert: RegisterExpertRequestSchema, correlationId });
export type RegisterExpertCommand = z.infer<typeof RegisterExpertCommandSchema>;

export const DeregisterExpertCommandSchema = z.strictObject({ auth: SignedProofSchema, agentId: AgentIdSchema, correlationId });
export type DeregisterExpertCommand = z.infer<typeof DeregisterExpertCommandSchema>;

export const ListExpertsCommandSchema = z.strictObject({ auth: AuthProofSchema, query: ListExpertsQuerySchema });
export type ListExpertsCommand = z.infer<typeof ListExpertsCommandSchema>;

export const RevokeAgentCommandSchema = z.strictObject({
  agentId: AgentIdSchema,
  /** Where the operator acted, recorded in the event. */
  via: z.enum(['http', 'cli']),
  correlationId,
});
export type RevokeAgentCommand = z.infer<typeof RevokeAgentCommandSchema>;

export const IssueCredentialCommandSchema = z.strictObject({ ...RevokeAgentCommandSchema.shape, roles: GrantedRolesSchema.default([]) });
export type IssueCredentialCommand = z.infer<typeof IssueCredentialCommandSchema>;

// ---- Revocations (registry → every verifier) -----------------------------------------------

/**
 * One revocation. `agent`: every session the agent started at or before `revokedAt` (Unix
 * seconds) is void. `session`: that session is void; `until` is when its last token expires,
 * after which a verifier may forget it.
 */
export const RevocationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('agent'), agentId: AgentIdSchema, revokedAt: z.number().int().min(0) }),
  z.strictObject({ kind: z.literal('session'), agentId: AgentIdSchema, sessionId: SessionIdSchema, until: z.number().int().min(0) }),
]);
export type Revocation = z.infer<typeof RevocationSchema>;

export const RevocationsSnapshotSchema = z.strictObject({ revocations: z.array(RevocationSchema) });
export type RevocationsSnapshot = z.infer<typeof RevocationsSnapshotSchema>;

export const AuthorizeCommandSchema = z.strictObject({ auth: AuthProofSchema, change: z.boolean() });
export type AuthorizeCommand = z.infer<typeof AuthorizeCommandSchema>;

/** Who a proof belongs to, and the expert registration it acts under (null when none). */
export const AuthorizedCallerSchema = z.strictObject({
  agentId: AgentIdSchema,
  sessionId: z.string().min(1).max(128),
  expert: z.strictObject({ role: ExpertRoleSchema, capacity: z.number().int().min(1), status: ExpertStatusSchema }).nullable(),
});
export type AuthorizedCaller = z.infer<typeof AuthorizedCallerSchema>;
