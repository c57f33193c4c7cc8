import { LighthouseError } from '@lighthouse/contracts';

/**
 * A shell line cannot be put in canonical form (syntax error, nesting or size limit). The
 * normaliser turns it into a `failure` value; it never escapes the library.
 */
export class UnnormalisableError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.name = 'UnnormalisableError';
  }
}
