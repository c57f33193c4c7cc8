import { LighthouseError } from '@lighthouse/contracts';

/** An append, a read query, a keyring or the options handed to the log are malformed. */
export class InvalidInputError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.name = 'InvalidInputError';
  }
}
