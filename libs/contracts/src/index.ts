export { SUBJECTS, SERVICE_HEALTH_SUBJECTS, JETSTREAM_STREAMS, JETSTREAM_BUCKETS, queueGroupOf } from './subjects';
export type { ServiceName } from './subjects';
export { MAX_CLOCK_SKEW_SECONDS, AUTH_HEADERS } from './auth-headers';
export {
  ERROR_CODES,
  ErrorCodeSchema,
  WireErrorSchema,
  HTTP_STATUS_BY_CODE,
  LighthouseError,
  toWireError,
} from './errors';
export type { ErrorCode, WireError } from './errors';
export {
  EventTypeSchema,
  StreamIdSchema,
  AgentIdSchema,
  EventIdSchema,
  NewEventSchema,
  EventEnvelopeSchema,
  AppendRequestSchema,
  AppendResultSchema,
  ReadQuerySchema,
  ReadResultSchema,
  LogHeadSchema,
} from './events';
export type { NewEvent, EventEnvelope, AppendRequest, AppendResult, ReadQuery, ReadResult, LogHead } from './events';
export { HealthQuerySchema, ServiceHealthSchema, GatewayHealthSchema, HistogramSnapshotSchema, SliSnapshotSchema, ChainVerificationSchema, ChainVerificationQuerySchema } from './health';
export type { HealthQuery, ServiceHealth, GatewayHealth, HistogramSnapshot, SliSnapshot, ChainVerification, ChainVerificationQuery } from './health';
export {
  SessionIdSchema,
  NonceSchema,
  CredentialSchema,
  ExpertRoleSchema,
  ExpertStatusSchema,
  CreateSessionRequestSchema,
  SessionGrantSchema,
  HeartbeatResultSchema,
  EndSessionResultSchema,
  RegisterExpertRequestSchema,
  ExpertSchema,
  ListExpertsQuerySchema,
  ExpertListSchema,
  DeregisterExpertResultSchema,
  WhoAmISchema,
  IssueCredentialRequestSchema,
  IssuedCredentialSchema,
  GrantedRolesSchema,
  MAX_GRANTED_ROLES,
  AgentRevokedSchema,
  AuthProofSchema,
  CreateSessionCommandSchema,
  RefreshSessionCommandSchema,
  HeartbeatCommandSchema,
  EndSessionCommandSchema,
  RegisterExpertCommandSchema,
  DeregisterExpertCommandSchema,
  ListExpertsCommandSchema,
  IssueCredentialCommandSchema,
  RevokeAgentCommandSchema,
  RevocationSchema,
  RevocationsSnapshotSchema,
} from './sessions';
export type {
  CreateSessionRequest,
  SessionGrant,
  HeartbeatResult,
  EndSessionResult,
  RegisterExpertRequest,
  Expert,
  ListExpertsQuery,
  ExpertList,
  DeregisterExpertResult,
  WhoAmI,
  IssueCredentialRequest,
  IssuedCredential,
  AgentRevoked,
  AuthProof,
  CreateSessionCommand,
  RefreshSessionCommand,
  HeartbeatCommand,
  EndSessionCommand,
  RegisterExpertCommand,
  DeregisterExpertCommand,
  ListExpertsCommand,
  IssueCredentialCommand,
  RevokeAgentCommand,
  Revocation,
  RevocationsSnapshot,
} from './sessions';
export { SESSION_EVENT_DATA, agentStreamOf } from './session-events';
export type { SessionEventType, SessionEventData } from './session-events';
export {
  RoleSchema,
  DELEGATION_STATES,
  TERMINAL_DELEGATION_STATES,
  DelegationStateSchema,
  DelegationKindSchema,
  DelegationTargetSchema,
  ProgressNoteSchema,
  DelegationSchema,
  ActorSchema,
  CreateDelegationSchema,
  DelegationRequestSchemas,
  DelegationListSchema,
  NextDelegationSchema,
  DelegationChangedSchema,
  PresenceSchema,
  HumanRulingSchema,
  OperatorNameSchema,
  humanAgentIdOf,
} from './delegations';
export type { DelegationState, DelegationTarget, Delegation, DelegationList, Actor, CreateDelegation, DelegationChanged, Presence, HumanRuling } from './delegations';
export { FS_STREAM, FS_LIMITS, FS_EVENT_DATA, FS_EVENT_TYPES, ProjectPathSchema, ContentHashSchema } from './fs-events';
export type { FsEventType, FsEventData } from './fs-events';
export { ValidateRequestSchema, DecisionSchema, TierSchema, ValidationResultSchema, ValidateMessageSchema, EffectSchema, EffectKindSchema, ValidationBasisSchema, MAX_REPLY_EFFECTS } from './validation';
export type { ValidateRequest, DecisionValue, Tier, ValidationResult, ValidateMessage, Effect, EffectKind, ValidationBasis } from './validation';
export { AuthorizeCommandSchema, AuthorizedCallerSchema } from './sessions';
export type { AuthorizeCommand, AuthorizedCaller } from './sessions';
export { SUBJECT_SHAPE, defineRpc, defineEvent, parseReply, parseRequest, describeIssues, ReplyContractError } from './contract';
export type { RpcDefinition, EventDefinition, RpcRequest, RpcParsedRequest, RpcReply, RpcReplyInput, EventData } from './contract';
export { RPC, SERVICE_HEALTH_RPCS, BUS_EVENTS, STORED_EVENTS, ALL_RPCS, DECLARED_SUBJECTS, rpcBySubject, perAgentSubject, committedSubject, decisionGroupSubject, EVENT_LOG_SUBJECT } from './contract-table';
export { EVENT_CHANNELS, EventChannelSchema, eventChannelOf } from './event-channels';
export type { ChannelledEvent, EventChannel } from './event-channels';
export { CommittedEventsSchema, MAX_COMMITTED_EVENTS_PER_MESSAGE } from './events';
export type { CommittedEvents } from './events';
export { DELEGATION_EVENT_DATA, DELEGATION_STORED_EVENT_DATA, delegationStreamOf } from './delegation-events';
export type { DelegationEvent, DelegationEventType } from './delegation-events';
export { ValidationDecidedSchema } from './validation-events';
export type { ValidationDecided } from './validation-events';
export { NATS_SERVICE_CONTEXTS, FOLLOWED_CHANNELS, natsPermissions, natsInboxPrefix, natsAuthorizationConfig } from './nats-permissions';
export type { NatsServiceUser, NatsPermissions, NatsUserSecret } from './nats-permissions';
export {
  MESSAGE_LIMITS,
  MESSAGE_EVENT_DATA,
  MessageImportanceSchema,
  MessageAddressSchema,
  SendMessageSchema,
  MessageSchema,
  MessagePageSchema,
  MessageRequestSchemas,
  MarkReadResultSchema,
  MessageNoticeSchema,
  threadStreamOf,
} from './messages';
export type { MessageImportance, MessageAddress, SendMessage, Receipt, Message, MessagePage, MarkReadResult, MessageNotice, MessageEvent, MessageEventType } from './messages';
export { SEARCH_LIMITS, SearchKindSchema, SearchQuerySchema, SearchHitSchema, SearchResultSchema } from './search';
export type { SearchKind, SearchQuery, SearchHit, SearchResult } from './search';
export {
  RESERVATIONS_STREAM,
  RESERVATION_LIMITS,
  RESERVATION_EVENT_DATA,
  RESERVATION_EVENT_TYPES,
  RESERVATION_STORED_EVENT_DATA,
  ReservationModeSchema,
  ReservationPatternSchema,
  ReservationSchema,
  ReserveRequestSchema,
  RenewReservationRequestSchema,
  ReleaseReservationRequestSchema,
  ForceReleaseRequestSchema,
  ListReservationsQuerySchema,
  ReservationGrantSchema,
  ReleasedReservationsSchema,
  ReservationListSchema,
  ReservationRequestSchemas,
  ReservationExpiryCauseSchema,
  ReservationConflictSchema,
} from './reservations';
export type {
  Reservation,
  ReservationMode,
  ReserveRequest,
  RenewReservationRequest,
  ReleaseReservationRequest,
  ForceReleaseRequest,
  ListReservationsQuery,
  ReservationGrant,
  ReleasedReservations,
  ReservationList,
  ReservationEvent,
  ReservationEventType,
  ReservationConflict,
} from './reservations';
export {
  OperatorCredentialSchema,
  OPERATOR_CREDENTIAL_LIMITS,
  IssueOperatorCredentialRequestSchema,
  IssueOperatorCredentialCommandSchema,
  OperatorCredentialInfoSchema,
  IssuedOperatorCredentialSchema,
  RevokeOperatorCredentialCommandSchema,
  ListOperatorCredentialsCommandSchema,
  OperatorCredentialListSchema,
  AuthenticateOperatorCommandSchema,
} from './operators';
export type {
  IssueOperatorCredentialRequest,
  IssueOperatorCredentialCommand,
  OperatorCredentialInfo,
  IssuedOperatorCredential,
  RevokeOperatorCredentialCommand,
  ListOperatorCredentialsCommand,
  OperatorCredentialList,
  AuthenticateOperatorCommand,
} from './operators';
