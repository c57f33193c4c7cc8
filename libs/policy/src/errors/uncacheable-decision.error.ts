import { LighthouseError } from '@lighthouse/contracts';

/** Something other than a final allow/deny from the policy or an expert was offered to the cache. */
export class UncacheableDecisionError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.name = 'UncacheableDecisionError';
  }
}
