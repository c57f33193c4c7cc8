import { LighthouseError } from '@lighthouse/contracts';

/** A record read back from disk no longer matches its HMAC chain: the files changed under the log. */
export class RecordVerificationError extends LighthouseError {
  constructor(
    readonly sequence: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INTERNAL', message, options);
    this.name = 'RecordVerificationError';
  }
}
