import { LighthouseError } from '@lighthouse/contracts';

/**
 * The log stopped accepting appends because it can no longer tell what is on disk (a failed
 * fsync, or a failed rollback of a failed write). Only a restart, which re-verifies the files,
 * clears it.
 */
export class StoreHaltedError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
    this.name = 'StoreHaltedError';
  }
}
