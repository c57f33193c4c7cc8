import { LighthouseError } from '@lighthouse/contracts';

/** The decision context handed to the normaliser is malformed (a caller bug, not agent input). */
export class InvalidContextError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', `invalid decision context: ${message}`, options);
    this.name = 'InvalidContextError';
  }
}
