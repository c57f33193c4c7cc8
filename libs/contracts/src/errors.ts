import { z } from 'zod';

/**
 * Stable error codes shared by every service. A code never changes meaning; the message may.
 * The gateway maps each code to an HTTP status, the MCP adapter to a tool error.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_FRAME',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ROLE_NOT_GRANTED',
  'NOT_FOUND',
  'CONFLICT',
  /** A reservation overlaps one another live agent holds (the message names holder, pattern, reason, expiry). */
  'RESERVATION_CONFLICT',
  /** A renewal or release carries an epoch that is not (or no longer) one of the caller's live grants. */
  'STALE_EPOCH',
  /** The caller would hold more reservations than the operator allows. */
  'RESERVATION_LIMIT',
  /** A message names an agent no credential was issued to (or one revoked): nothing is sent, no inbox is made. */
  'UNKNOWN_RECIPIENT',
  /** Too many requests (or messages) from the caller; `retryAfterSeconds` says when one will pass. */
  'RATE_LIMITED',
  'DEADLINE_EXCEEDED',
  'SERVICE_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'NO_HANDLER',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one error shape on the wire, over NATS and HTTP alike. */
export const WireErrorSchema = z.strictObject({
  code: ErrorCodeSchema,
  message: z.string().max(2000),
  /** For a refusal that passes later (RATE_LIMITED, SERVICE_UNAVAILABLE): whole seconds until a retry can succeed. */
  retryAfterSeconds: z.number().int().min(1).max(86_400).optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** HTTP status the gateway answers for each code. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_FRAME: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ROLE_NOT_GRANTED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RESERVATION_CONFLICT: 409,
  STALE_EPOCH: 409,
  RESERVATION_LIMIT: 429,
  UNKNOWN_RECIPIENT: 404,
  RATE_LIMITED: 429,
  DEADLINE_EXCEEDED: 504,
  SERVICE_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  NO_HANDLER: 501,
  INTERNAL: 500,
};

/**
 * A failure with a stable code. Services throw it (or a subclass); the transport turns it into
 * a {@link WireError} and back, so the caller sees the same class and code.
 */
export class LighthouseError extends Error {
  /** Whole seconds after which the same request may pass (sent as `Retry-After` by the gateway). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'LighthouseError';
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toWire(): WireError {
    return this.retryAfterSeconds === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAfterSeconds: this.retryAfterSeconds };
  }

  static fromWire(wire: WireError): LighthouseError {
    return new LighthouseError(wire.code, wire.message, wire.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: wire.retryAfterSeconds });
  }
}

/** Turns anything thrown into a wire error without leaking internals of unknown errors. */
export function toWireError(error: unknown): WireError {
  if (error instanceof LighthouseError) return error.toWire();
  const parsed = WireErrorSchema.safeParse(error);
  if (parsed.success) return parsed.data;
  return { code: 'INTERNAL', message: 'internal error' };
}
