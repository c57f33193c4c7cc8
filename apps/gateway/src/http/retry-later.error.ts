import { LighthouseError, type ErrorCode } from '@lighthouse/contracts';

/** A refusal the client may retry after `retryAfterSeconds` (sent as `Retry-After`). */
export class RetryLaterError extends LighthouseError {
  constructor(
    code: Extract<ErrorCode, 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE'>,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
    this.name = 'RetryLaterError';
  }
}
