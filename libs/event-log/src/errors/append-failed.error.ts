import { LighthouseError } from '@lighthouse/contracts';

/** A batch could not be written; it was rolled back, nothing of it is acknowledged, the log goes on. */
export class AppendFailedError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
    this.name = 'AppendFailedError';
  }
}
