import {
  AgentIdSchema,
  AgentRevokedSchema,
  CreateSessionRequestSchema,
  DeregisterExpertResultSchema,
  EndSessionResultSchema,
  ExpertListSchema,
  ExpertSchema,
  GatewayHealthSchema,
  HeartbeatResultSchema,
  IssueCredentialRequestSchema,
  IssuedCredentialSchema,
  ListExpertsQuerySchema,
  RegisterExpertRequestSchema,
  SessionGrantSchema,
  SessionIdSchema,
  WhoAmISchema,
  CreateDelegationSchema,
  DelegationSchema,
  DelegationListSchema,
  HumanRulingSchema,
  NextDelegationSchema,
  ValidateRequestSchema,
  ReadResultSchema,
  ValidationResultSchema,
  ChainVerificationSchema,
  SearchResultSchema,
  IssueOperatorCredentialRequestSchema,
  IssuedOperatorCredentialSchema,
  OperatorCredentialListSchema,
  OperatorCredentialInfoSchema,
  OperatorNameSchema,
} from '@lighthouse/contracts';
import { z } from 'zod';
import type { AccessLevel } from '../auth/access.decorator';
import { SignInSchema } from '../console/console-session.controller';
import { SearchHttpQuerySchema } from '../search/search.controller';
import { QueryEventsSchema, StoreEventBodySchema, StoredEventSchema } from '../events/events.controller';
import { RESERVATION_ROUTES } from '../reservations/reservation-routes';
import { CancelBodySchema, CompleteBodySchema, FailBodySchema, ListQuerySchema, ProgressBodySchema, WaitQuerySchema } from '../delegations/delegation-http.schemas';
import { MESSAGE_API_ROUTES } from '../messages/message-api-routes';

const ConsoleMeSchema = z.strictObject({ operator: z.string(), expiresAt: z.iso.datetime(), csrfToken: z.string() });

/** One HTTP route as the OpenAPI document describes it; the schemas are the contracts themselves. */
export interface ApiRoute {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path, `{param}` style. */
  path: string;
  access: AccessLevel;
  summary: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: number;
  /** JSON answer; absent for non-JSON answers (metrics). */
  response?: z.ZodType;
  contentType?: string;
  /** Errors this route can answer besides the ones every route of its access level can. */
  errors?: number[];
}

const LiveSchema = z.strictObject({ status: z.literal('up') });

/** Every route the gateway serves, in the order the document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/sessions',
    access: 'credential',
    summary: 'Exchange an agent credential for a session token, its session key and expiries',
    body: CreateSessionRequestSchema,
    status: 201,
    response: SessionGrantSchema,
  },
  { method: 'post', path: '/sessions/refresh', access: 'agent', summary: "A new token for the caller's session (same session and key)", status: 200, response: SessionGrantSchema },
  { method: 'post', path: '/sessions/heartbeat', access: 'agent', summary: 'Keep the session (and the expert registration it made) alive', status: 200, response: HeartbeatResultSchema },
  {
    method: 'delete',
    path: '/sessions/{sessionId}',
    access: 'agent',
    summary: "End one of the caller's own sessions",
    params: { sessionId: SessionIdSchema },
    status: 200,
    response: EndSessionResultSchema,
    errors: [403],
  },
  { method: 'get', path: '/whoami', access: 'agent', summary: 'The identity the token proves (answered by the gateway alone)', status: 200, response: WhoAmISchema },
  {
    method: 'post',
    path: '/experts',
    access: 'agent',
    summary: 'Register (or replace the registration of) the caller as an expert, for a role the operator granted it (403 ROLE_NOT_GRANTED otherwise)',
    body: RegisterExpertRequestSchema,
    status: 201,
    response: ExpertSchema,
    errors: [403],
  },
  {
    method: 'delete',
    path: '/experts/{agentId}',
    access: 'agent',
    summary: "Withdraw the caller's own expert registration",
    params: { agentId: AgentIdSchema },
    status: 200,
    response: DeregisterExpertResultSchema,
    errors: [403, 404],
  },
  { method: 'get', path: '/experts', access: 'agent', summary: 'Live experts, by role and status', query: ListExpertsQuerySchema, status: 200, response: ExpertListSchema },
  {
    method: 'post',
    path: '/admin/agents',
    access: 'admin',
    summary: "Operator: issue (or replace) an agent's credential, shown once, granting the expert roles it may register for; replacing one ends every session of the old",
    body: IssueCredentialRequestSchema,
    status: 201,
    response: IssuedCredentialSchema,
  },
  {
    method: 'post',
    path: '/admin/agents/{agentId}/revoke',
    access: 'admin',
    summary: 'Operator: revoke an agent (credential, every session, expert registration) on every replica',
    params: { agentId: AgentIdSchema },
    status: 200,
    response: AgentRevokedSchema,
  },
  { method: 'post', path: '/delegations', access: 'agent', summary: 'Delegate work to an expert role or a named agent (the requester is the caller); kind validation is the bridge\'s own escalation and refused (403)', body: CreateDelegationSchema, status: 201, response: DelegationSchema, errors: [403] },
  { method: 'get', path: '/delegations', access: 'agent', summary: 'Delegations the caller asked for (mine) or was given (assigned), by state', query: ListQuerySchema, status: 200, response: DelegationListSchema },
  { method: 'get', path: '/delegations/next', access: 'signed', summary: "Long-poll: the caller's next delegation as an expert, already claimed for it (state in_progress, with the claim epoch later calls need), or null at the timeout (signed: it assigns work)", query: WaitQuerySchema, status: 200, response: NextDelegationSchema },
  { method: 'get', path: '/delegations/{id}', access: 'agent', summary: 'One delegation (requester, assignee or addressee only)', params: { id: z.uuid() }, status: 200, response: DelegationSchema, errors: [403, 404] },
  { method: 'get', path: '/delegations/{id}/wait', access: 'agent', summary: 'Long-poll: the delegation once finished, or as it stands at the timeout', params: { id: z.uuid() }, query: WaitQuerySchema, status: 200, response: DelegationSchema, errors: [403, 404] },
  { method: 'post', path: '/delegations/{id}/claim', access: 'agent', summary: 'Claim an assigned delegation; answers the claim epoch that fences later calls (claiming one already held, as next hands it over, answers the same epoch)', params: { id: z.uuid() }, body: z.strictObject({}), status: 200, response: DelegationSchema, errors: [403, 404, 409] },
  { method: 'post', path: '/delegations/{id}/progress', access: 'agent', summary: 'Progress note; extends the claim', params: { id: z.uuid() }, body: ProgressBodySchema, status: 200, response: DelegationSchema, errors: [403, 404, 409] },
  { method: 'post', path: '/delegations/{id}/complete', access: 'agent', summary: 'Complete with a result (current claim epoch only)', params: { id: z.uuid() }, body: CompleteBodySchema, status: 200, response: DelegationSchema, errors: [403, 404, 409] },
  { method: 'post', path: '/delegations/{id}/fail', access: 'agent', summary: 'Fail with an error (current claim epoch only)', params: { id: z.uuid() }, body: FailBodySchema, status: 200, response: DelegationSchema, errors: [403, 404, 409] },
  { method: 'post', path: '/delegations/{id}/cancel', access: 'agent', summary: 'Cancel (requester or operator)', params: { id: z.uuid() }, body: CancelBodySchema, status: 200, response: DelegationSchema, errors: [403, 404, 409] },
  ...MESSAGE_API_ROUTES,
  {
    method: 'get',
    path: '/events/stream',
    access: 'agent',
    summary: "Server-sent events of the caller's delegations (`event: delegation`) and messages (`event: message`: received, or acknowledged by a recipient); id = `<delegation seq>-<message seq>`, resume with Last-Event-ID",
    status: 200,
    contentType: 'text/event-stream',
  },
  { method: 'post', path: '/events', access: 'agent', summary: "Record one of the caller's own events in the shared history (bridge types and streams are reserved)", body: StoreEventBodySchema, status: 201, response: StoredEventSchema, errors: [403] },
  { method: 'get', path: '/events', access: 'agent', summary: "Read the caller's view of the shared history (its own streams and events, its delegations, public streams) by sequence, stream, type, agent or time; a page may hold fewer than `limit` events: read on from `nextSequence`", query: QueryEventsSchema, status: 200, response: ReadResultSchema },
  { method: 'get', path: '/admin/events', access: 'admin', summary: 'The whole shared history (operators), with the query and paging of GET /events', query: QueryEventsSchema, status: 200, response: ReadResultSchema },
  ...RESERVATION_ROUTES,
  { method: 'post', path: '/validate', access: 'agent', summary: 'Decide allow / deny / escalate for one tool call, with tier, rule or reason, confidence and latency', body: ValidateRequestSchema, status: 200, response: ValidationResultSchema },
  { method: 'get', path: '/health', access: 'probe', summary: 'Every service up or down with its NATS round trip (503 unless all up; one report per second, limited per address)', status: 200, response: GatewayHealthSchema, errors: [503] },
  { method: 'get', path: '/health/live', access: 'public', summary: 'Liveness of the gateway process alone', status: 200, response: LiveSchema },
  { method: 'get', path: '/metrics', access: 'public', summary: 'Prometheus metrics', status: 200, contentType: 'text/plain; version=0.0.4' },
  { method: 'post', path: '/admin/operators', access: 'admin', summary: 'A console credential (lho_…) for a named human, valid for ttlSeconds (default 30 days), shown once; issuing again for the name replaces the earlier one', body: IssueOperatorCredentialRequestSchema, status: 201, response: IssuedOperatorCredentialSchema, errors: [400, 401] },
  { method: 'get', path: '/admin/operators', access: 'admin', summary: 'The operators\' console credentials (never the credentials themselves): issued, expiry, revoked', status: 200, response: OperatorCredentialListSchema },
  { method: 'post', path: '/admin/operators/{name}/revoke', access: 'admin', summary: 'Revoke a human\'s console credential: its console sessions end at every gateway within seconds', params: { name: OperatorNameSchema }, status: 200, response: OperatorCredentialInfoSchema, errors: [401, 404] },
  { method: 'post', path: '/console/api/session', access: 'probe', summary: 'Console sign-in: an operator name and the admin secret or that operator\'s credential (lho_…), in the body only (never a URL); sets the httpOnly, SameSite=Strict console cookie', body: SignInSchema, status: 200, response: ConsoleMeSchema, errors: [400, 401, 403] },
  { method: 'get', path: '/console/api/me', access: 'console', summary: "The console session: operator, expiry and the CSRF token every change sends as x-lh-csrf", status: 200, response: ConsoleMeSchema },
  { method: 'post', path: '/console/api/session/end', access: 'console', summary: 'Console sign-out (clears the cookie)', status: 200, response: z.strictObject({ signedOut: z.literal(true) }) },
  { method: 'get', path: '/console/api/escalations', access: 'console', summary: 'Validation escalations waiting for an answer (newest first)', status: 200, response: z.strictObject({ escalations: z.array(DelegationSchema) }) },
  { method: 'post', path: '/console/api/escalations/{id}/ruling', access: 'console', summary: "A human's ruling on a waiting escalation: allow once, allow the pattern for ttlSeconds, or deny, with a reason; recorded as ruled by human.<operator>", params: { id: z.uuid() }, body: HumanRulingSchema, status: 200, response: DelegationSchema, errors: [404, 409] },
  { method: 'get', path: '/console/api/snapshot', access: 'console', summary: 'What a console page starts from: the log head, the last 500 events, the delegations, the services\' health', status: 200, contentType: 'application/json' },
  { method: 'get', path: '/console/api/events', access: 'console', summary: 'The committed events of a range the live stream reported as a gap (from and to are sequences, from ≤ to; the newest 2000 of the range at most, and at most four store pages of them so the reply stays bounded in bytes; fromSequence says where it starts), in order', query: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }), status: 200, contentType: 'application/json', errors: [400] },
  { method: 'get', path: '/console/api/delegations', access: 'console', summary: 'Every delegation (newest 200) for the board', status: 200, contentType: 'application/json' },
  { method: 'get', path: '/console/api/health', access: 'console', summary: 'The services\' health (as GET /health, for the console)', status: 200, response: GatewayHealthSchema },
  { method: 'get', path: '/console/api/sla', access: 'console', summary: 'Which SLAs hold now and every breach of the last 24 h, computed by this gateway from the services\' metrics (same thresholds as the alerting rules)', status: 200, contentType: 'application/json' },
  { method: 'get', path: '/console/api/chain', access: 'console', summary: 'The event store\'s last whole-log verification: the HMAC chain, the records, the last signed checkpoint', status: 200, response: ChainVerificationSchema },
  { method: 'post', path: '/console/api/chain/verify', access: 'console', summary: 'Verify the whole log again (the store runs at most one verification per interval and answers the last in between)', status: 200, response: ChainVerificationSchema },
  { method: 'get', path: '/console/api/search', access: 'console', summary: 'Full-text search over messages, delegations and agents\' events, as an operator sees them (everything)', query: SearchHttpQuerySchema, status: 200, response: SearchResultSchema, errors: [400] },
  { method: 'get', path: '/console/api/reservations', access: 'console', summary: 'Live file reservations (first 500): holder, pattern, mode, expiry', status: 200, contentType: 'application/json' },
  { method: 'get', path: '/console/api/messages', access: 'console', summary: 'Message events (sent, read, acknowledged) among the last 50 000 events, for the messages and threads page', status: 200, contentType: 'application/json' },
  { method: 'get', path: '/console/api/stream', access: 'console', summary: 'Server-sent events: every committed event (id = its sequence), from when the stream opens', status: 200, contentType: 'text/event-stream' },
  { method: 'get', path: '/console', access: 'public', summary: 'The console (redirects to sign-in without a session)', status: 200, contentType: 'text/html' },
  { method: 'get', path: '/console/sign-in', access: 'public', summary: 'The console sign-in page', status: 200, contentType: 'text/html' },
  { method: 'get', path: '/console/{page}', access: 'public', summary: 'A console page (redirects to sign-in without a session)', params: { page: z.string() }, status: 200, contentType: 'text/html' },
  { method: 'get', path: '/console/assets/{file}', access: 'public', summary: 'The console bundle (built, no CDN)', params: { file: z.string() }, status: 200, contentType: 'text/javascript' },
  { method: 'get', path: '/openapi.json', access: 'public', summary: 'This document', status: 200, contentType: 'application/json' },
];
