import type { z } from 'zod';
import { defineEvent, defineRpc, type EventDefinition, type RpcDefinition } from './contract';
import {
  DelegationChangedSchema,
  DelegationListSchema,
  DelegationRequestSchemas as D,
  DelegationSchema,
  NextDelegationSchema,
  PresenceSchema,
} from './delegations';
import { DELEGATION_STORED_EVENT_DATA } from './delegation-events';
import type { EventChannel } from './event-channels';
import { AppendRequestSchema, AppendResultSchema, CommittedEventsSchema, LogHeadSchema, NewEventSchema, ReadQuerySchema, ReadResultSchema } from './events';
import { FS_EVENT_DATA } from './fs-events';
import { ChainVerificationQuerySchema, ChainVerificationSchema, HealthQuerySchema, ServiceHealthSchema } from './health';
import { MarkReadResultSchema, MESSAGE_EVENT_DATA, MessageNoticeSchema, MessagePageSchema, MessageRequestSchemas as M, MessageSchema } from './messages';
import {
  AuthenticateOperatorCommandSchema,
  IssueOperatorCredentialCommandSchema,
  IssuedOperatorCredentialSchema,
  ListOperatorCredentialsCommandSchema,
  OperatorCredentialInfoSchema,
  OperatorCredentialListSchema,
  RevokeOperatorCredentialCommandSchema,
} from './operators';
import { SearchRequestSchema, SearchResultSchema } from './search';
import { SESSION_EVENT_DATA } from './session-events';
import {
  AgentRevokedSchema,
  AuthorizeCommandSchema,
  AuthorizedCallerSchema,
  CreateSessionCommandSchema,
  DeregisterExpertCommandSchema,
  DeregisterExpertResultSchema,
  EndSessionCommandSchema,
  EndSessionResultSchema,
  ExpertListSchema,
  ExpertSchema,
  HeartbeatCommandSchema,
  HeartbeatResultSchema,
  IssueCredentialCommandSchema,
  IssuedCredentialSchema,
  ListExpertsCommandSchema,
  RefreshSessionCommandSchema,
  RegisterExpertCommandSchema,
  RevocationSchema,
  RevocationsSnapshotSchema,
  RevokeAgentCommandSchema,
  SessionGrantSchema,
} from './sessions';
import { ValidateMessageSchema, ValidationResultSchema } from './validation';
import { RESERVATION_RPCS } from './reservation-rpcs';
import { RESERVATION_STORED_EVENT_DATA } from './reservations';
import { ValidationDecidedSchema } from './validation-events';

/** A request that carries nothing. */
const Empty = HealthQuerySchema;
const health = (context: string) => defineRpc({ subject: `lh.${context}.query.health.v1`, request: Empty, reply: ServiceHealthSchema });

/**
 * Every request/reply subject Lighthouse serves, with its request and reply schemas: the one
 * place a subject is spelled. Callers pass an entry to `bus.request`, handlers to `@HandlesRpc`.
 */
export const RPC = {
  session: {
    health: health('session'),
    /** Exchange an agent credential for a session and its first token. */
    create: defineRpc({ subject: 'lh.session.cmd.create.v1', request: CreateSessionCommandSchema, reply: SessionGrantSchema }),
    /** A new token for the caller's live session (extends its idle expiry). */
    refresh: defineRpc({ subject: 'lh.session.cmd.refresh.v1', request: RefreshSessionCommandSchema, reply: SessionGrantSchema }),
    /** End one of the caller's sessions. */
    end: defineRpc({ subject: 'lh.session.cmd.end.v1', request: EndSessionCommandSchema, reply: EndSessionResultSchema }),
    /** Keep the caller's session (and expert registration) alive. */
    heartbeat: defineRpc({ subject: 'lh.session.cmd.heartbeat.v1', request: HeartbeatCommandSchema, reply: HeartbeatResultSchema }),
    /** Register (or replace) the caller as an expert for a role. */
    registerExpert: defineRpc({ subject: 'lh.session.cmd.register-expert.v1', request: RegisterExpertCommandSchema, reply: ExpertSchema }),
    /** Withdraw the caller's expert registration. */
    deregisterExpert: defineRpc({ subject: 'lh.session.cmd.deregister-expert.v1', request: DeregisterExpertCommandSchema, reply: DeregisterExpertResultSchema }),
    /** Registered experts, by role and status. */
    experts: defineRpc({ subject: 'lh.session.query.experts.v1', request: ListExpertsCommandSchema, reply: ExpertListSchema }),
    /** Operator: a new credential for an agent (shown once). */
    issueCredential: defineRpc({ subject: 'lh.session.cmd.issue-credential.v1', request: IssueCredentialCommandSchema, reply: IssuedCredentialSchema }),
    /** Operator: revoke an agent (credential, sessions, expert registration). */
    revokeAgent: defineRpc({ subject: 'lh.session.cmd.revoke-agent.v1', request: RevokeAgentCommandSchema, reply: AgentRevokedSchema }),
    /** Operator: a console credential for a named human (shown once; replaces the name's earlier one). */
    issueOperatorCredential: defineRpc({ subject: 'lh.session.cmd.issue-operator-credential.v1', request: IssueOperatorCredentialCommandSchema, reply: IssuedOperatorCredentialSchema }),
    /** Operator: revoke a human's console credential (its console sessions end at every gateway within seconds). */
    revokeOperatorCredential: defineRpc({ subject: 'lh.session.cmd.revoke-operator-credential.v1', request: RevokeOperatorCredentialCommandSchema, reply: OperatorCredentialInfoSchema }),
    /** The operators' credentials, or one operator's (the console checks its sessions against it). */
    operatorCredentials: defineRpc({ subject: 'lh.session.query.operator-credentials.v1', request: ListOperatorCredentialsCommandSchema, reply: OperatorCredentialListSchema }),
    /** Whose live operator credential this is (console sign-in), or UNAUTHENTICATED. */
    authenticateOperator: defineRpc({ subject: 'lh.session.query.authenticate-operator.v1', request: AuthenticateOperatorCommandSchema, reply: OperatorCredentialInfoSchema }),
    /** Every revocation still in force, for a verifier's in-memory list. */
    revocations: defineRpc({ subject: 'lh.session.query.revocations.v1', request: Empty, reply: RevocationsSnapshotSchema }),
    /**
     * Checks a caller's proof for a request another service serves (a change spends its nonce)
     * and answers who it is and its expert registration.
     */
    authorize: defineRpc({ subject: 'lh.session.query.authorize.v1', request: AuthorizeCommandSchema, reply: AuthorizedCallerSchema }),
  },
  speed: {
    health: health('speed'),
    /** Decide allow / deny / escalate for one tool call. */
    validate: defineRpc({ subject: 'lh.speed.cmd.validate.v1', request: ValidateMessageSchema, reply: ValidationResultSchema }),
  },
  events: {
    health: health('events'),
    /** Append one or more events to one stream (optionally with an expected version). */
    append: defineRpc({ subject: 'lh.events.cmd.append.v1', request: AppendRequestSchema, reply: AppendResultSchema }),
    /** Read committed events by sequence, stream, type, agent or time, paginated. */
    read: defineRpc({ subject: 'lh.events.query.read.v1', request: ReadQuerySchema, reply: ReadResultSchema }),
    /** Head of the log: last sequence and chain head. */
    head: defineRpc({ subject: 'lh.events.query.head.v1', request: Empty, reply: LogHeadSchema }),
    /** The last verification of the whole log and its signed checkpoint (read-only; run at most once per interval). */
    verify: defineRpc({ subject: 'lh.events.query.verify.v1', request: ChainVerificationQuerySchema, reply: ChainVerificationSchema }),
  },
  delegation: {
    health: health('delegation'),
    create: defineRpc({ subject: 'lh.delegation.cmd.create.v1', request: D.create, reply: DelegationSchema }),
    get: defineRpc({ subject: 'lh.delegation.query.get.v1', request: D.get, reply: DelegationSchema }),
    list: defineRpc({ subject: 'lh.delegation.query.list.v1', request: D.list, reply: DelegationListSchema }),
    /** Long-poll for an expert's next delegation. */
    next: defineRpc({ subject: 'lh.delegation.query.next.v1', request: D.next, reply: NextDelegationSchema }),
    claim: defineRpc({ subject: 'lh.delegation.cmd.claim.v1', request: D.claim, reply: DelegationSchema }),
    progress: defineRpc({ subject: 'lh.delegation.cmd.progress.v1', request: D.progress, reply: DelegationSchema }),
    complete: defineRpc({ subject: 'lh.delegation.cmd.complete.v1', request: D.complete, reply: DelegationSchema }),
    fail: defineRpc({ subject: 'lh.delegation.cmd.fail.v1', request: D.fail, reply: DelegationSchema }),
    cancel: defineRpc({ subject: 'lh.delegation.cmd.cancel.v1', request: D.cancel, reply: DelegationSchema }),
    /** Operator: a human's ruling on a waiting validation escalation (from the console). */
    rule: defineRpc({ subject: 'lh.delegation.cmd.rule.v1', request: D.rule, reply: DelegationSchema }),
    /** Long-poll until a delegation is finished. */
    wait: defineRpc({ subject: 'lh.delegation.query.wait.v1', request: D.wait, reply: DelegationSchema }),
    /** File reservations (served by the router beside delegations: the same liveness, the same store). */
    ...RESERVATION_RPCS,
  },
  fuse: {
    health: health('fuse'),
  },
  /** Messages between agents (served by the delegation-router). */
  message: {
    send: defineRpc({ subject: 'lh.message.cmd.send.v1', request: M.send, reply: MessageSchema }),
    inbox: defineRpc({ subject: 'lh.message.query.inbox.v1', request: M.inbox, reply: MessagePageSchema }),
    thread: defineRpc({ subject: 'lh.message.query.thread.v1', request: M.thread, reply: MessagePageSchema }),
    markRead: defineRpc({ subject: 'lh.message.cmd.mark-read.v1', request: M.markRead, reply: MarkReadResultSchema }),
    acknowledge: defineRpc({ subject: 'lh.message.cmd.acknowledge.v1', request: M.acknowledge, reply: MessageSchema }),
  },
  /** Full-text search over what the caller may see (served by the delegation-router). */
  search: {
    query: defineRpc({ subject: 'lh.search.query.search.v1', request: SearchRequestSchema, reply: SearchResultSchema }),
  },
} as const;

/** The NATS services the gateway reports on in `GET /health`, with their health rpc. */
export const SERVICE_HEALTH_RPCS = {
  'session-registry': RPC.session.health,
  'speed-layer': RPC.speed.health,
  'event-store': RPC.events.health,
  'delegation-router': RPC.delegation.health,
  'fuse-mounter': RPC.fuse.health,
} as const;

/**
 * Messages published on a subject of their own, to whoever subscribes (no reply). Each is an
 * event definition with its subject.
 */
export const BUS_EVENTS = {
  /** Published once per revocation (agent or session), for every verifier at once. */
  revoked: defineEvent({ type: 'session.revocation_published', subject: 'lh.session.evt.revoked.v1', data: RevocationSchema }),
  /** An agent is alive (heartbeat) or gone (session ended, agent revoked); routers listen. */
  presence: defineEvent({ type: 'session.presence_changed', subject: 'lh.session.evt.presence.v1', data: PresenceSchema }),
  /**
   * Committed events, published once their batch is durable, on one subject per channel
   * (`<subject>.<channel>`, see {@link committedSubject}): runs of one channel's events, with
   * what a follower needs to notice a lost message (v1 carried every event to every follower).
   */
  committed: defineEvent({ type: 'events.committed', subject: 'lh.events.evt.committed.v2', data: CommittedEventsSchema }),
  /**
   * Journal of decisions: each message on the subject itself (JetStream stream LH_DECISIONS, older
   * speed layers) is the whole `validation.decided` event on its way into the event store; each on
   * `<subject>.group` ({@link decisionGroupSubject}, stream LH_DECISION_GROUPS) is a msgpack array
   * of such events, journaled together by one acknowledged publish (a group commit).
   */
  decisionJournaled: defineEvent({ type: 'speed.decision_journaled', subject: 'lh.speed.evt.decided.v1', data: NewEventSchema }),
  /**
   * Per-agent delegation change notices (JetStream stream LH_DELEGATION_NOTICES), published on
   * `<subject>.<agent>` (see {@link perAgentSubject}).
   */
  delegationChanged: defineEvent({ type: 'delegation.change_noticed', subject: 'lh.delegation.evt.changed.v1', data: DelegationChangedSchema }),
  /**
   * Per-agent message notices, published on `<subject>.<agent>` into the same JetStream stream as
   * the delegation notices (LH_DELEGATION_NOTICES), so one ordered feed serves an agent both.
   */
  messageNoticed: defineEvent({ type: 'message.noticed', subject: 'lh.message.evt.noticed.v1', data: MessageNoticeSchema }),
} as const;

const stored = <T extends string>(table: Record<T, z.ZodType>) =>
  Object.fromEntries(Object.entries<z.ZodType>(table).map(([type, data]) => [type, defineEvent({ type, data })])) as Record<T, EventDefinition<T>>;

/**
 * Every event type the event store holds from Lighthouse's own services, with its data schema.
 * (Agents may record events of their own types through the gateway; those are not declared.)
 */
export const STORED_EVENTS = {
  ...stored(SESSION_EVENT_DATA),
  ...stored(FS_EVENT_DATA),
  ...stored(DELEGATION_STORED_EVENT_DATA),
  ...stored(MESSAGE_EVENT_DATA),
  ...stored(RESERVATION_STORED_EVENT_DATA),
  'validation.decided': defineEvent({ type: 'validation.decided', data: ValidationDecidedSchema }),
} as const;

/** The subject the committed events of `channel` are published on: `<committed subject>.<channel>`. */
export const committedSubject = (channel: EventChannel): string => `${BUS_EVENTS.committed.subject}.${channel}`;

/** The subject the decision journal's groups are published on: `<decisionJournaled subject>.group` (under that subject's own permissions). */
export const decisionGroupSubject = (): string => `${BUS_EVENTS.decisionJournaled.subject}.group`;

/** The subject a per-agent event is published on: `<subject>.<agent>`. */
export const perAgentSubject = (event: EventDefinition, agent: string): string => `${event.subject}.${agent}`;


function* rpcsOf(node: unknown): Generator<RpcDefinition> {
  if (node && typeof node === 'object' && (node as RpcDefinition).kind === 'rpc') yield node as RpcDefinition;
  else if (node && typeof node === 'object') for (const child of Object.values(node)) yield* rpcsOf(child);
}

/** Every rpc of the table, flat. */
export const ALL_RPCS: readonly RpcDefinition[] = [...rpcsOf(RPC)];

/** Every subject of the table (rpc subjects and published-event subjects). */
/**
 * Subjects of the replicated event log's records (`<this>.<stream>`, one JetStream stream, see
 * docs/event-log-backends.md): raw signed records, written only by the event store (nats-permissions).
 */
export const EVENT_LOG_SUBJECT = 'lh.events.evt.record.v1';

export const DECLARED_SUBJECTS: ReadonlySet<string> = new Set([
  EVENT_LOG_SUBJECT,
  ...ALL_RPCS.map((rpc) => rpc.subject),
  ...Object.values<EventDefinition>(BUS_EVENTS).map((event) => event.subject as string),
]);

/** Looks an rpc up by its subject (handlers, tests and tools that only know the string). */
export const rpcBySubject = (subject: string): RpcDefinition | undefined => ALL_RPCS.find((rpc) => rpc.subject === subject);
