export { SUBJECTS, SERVICE_HEALTH_SUBJECTS, queueGroupOf } from './subjects';
export type { ServiceName } from './subjects';
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
export { HealthQuerySchema, ServiceHealthSchema, GatewayHealthSchema } from './health';
export type { HealthQuery, ServiceHealth, GatewayHealth } from './health';
