import { LighthouseError, type ErrorCode } from '@lighthouse/contracts';

/** A refusal the client may retry after `retryAfterSeconds` (sent as `Retry-After`). */
export class RetryLaterError extends LighthouseError {
  constructor(
    code: Extract<ErrorCode, 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE'>,
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(code, message, { retryAfterSeconds });
    this.name = 'RetryLaterError';
  }
}
