import { LighthouseError } from '@lighthouse/contracts';

/** A glob in a policy cannot be translated (unclosed `[` or `{`, unknown placeholder). */
export class GlobSyntaxError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.name = 'GlobSyntaxError';
  }
}
